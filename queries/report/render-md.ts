// Markdown for mail: a short summary and one pipe table per section.
import type { ListedIp, WeeklyReport } from './model.ts';
import { fmtChange, fmtInt, fmtShare, fmtTime, fmtDay, fmtWeekSpan, status } from './text.ts';

const esc = (v: unknown) => String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(head: string[], rows: unknown[][], empty = '_none_'): string {
  if (rows.length === 0) return `${empty}\n`;
  const line = (cells: unknown[]) => `| ${cells.map(esc).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}

const listingRows = (ls: ListedIp[]) =>
  ls.map((l) => [
    l.sending_ip,
    l.sending_prefix,
    l.provider,
    fmtTime(l.first_seen),
    fmtTime(l.last_seen),
    fmtInt(l.rejections_week),
    fmtInt(l.rejections),
    l.codes.join(' '),
    status(l),
  ]);
const listingHead = [
  'IP',
  'prefix',
  'provider',
  'first seen',
  'last seen',
  'rejections (week)',
  'rejections (episode)',
  'codes',
  'status',
];

export function renderMarkdown(r: WeeklyReport): string {
  const total = (m: string) => r.totals.find((t) => t.metric === m);
  const peak = r.fleetSpread.reduce((a, d) => (d.share > a.share ? d : a), {
    day: '',
    share: 0,
    listed_ips: 0,
    active_ips: 0,
  });
  const out: string[] = [];
  out.push(`# Weekly deliverability report ${r.week.label}`, '');
  out.push(
    `${fmtWeekSpan(r.week.start, r.week.end)} (UTC), compared with ${r.previousWeek.label}. Generated ${r.generatedAt}.`,
    '',
  );
  out.push(
    `- **${fmtInt(total('bounces')?.this_week ?? 0)}** bounces (${fmtChange(total('bounces')?.change_pct ?? null)}), ` +
      `**${fmtInt(total('blocklist_rejections')?.this_week ?? 0)}** block-list rejections (${fmtChange(total('blocklist_rejections')?.change_pct ?? null)})`,
    `- **${r.listedIps.length}** listings (IP × provider) this week: **${r.newListings.length}** new, **${r.endedListings.length}** ended, ` +
      `**${r.listedIps.filter((l) => l.still_active).length}** still active at the end of the week`,
    peak.day
      ? `- Widest fleet spread: ${fmtShare(peak.share)} of active IPs listed on ${fmtDay(peak.day)}`
      : '- No block-listed IPs this week',
    '',
  );
  out.push(
    '## Totals',
    '',
    table(
      ['metric', 'this week', 'week before', 'change'],
      r.totals.map((t) => [t.label, fmtInt(t.this_week), fmtInt(t.previous_week), fmtChange(t.change_pct)]),
    ),
  );
  out.push(
    '## Block-list rejections by provider',
    '',
    table(
      ['provider', 'rejections', 'week before', 'change', 'listed IPs', 'codes'],
      r.blocklistByProvider.map((p) => [
        p.provider,
        fmtInt(p.rejections),
        fmtInt(p.previous_rejections),
        fmtChange(p.change_pct),
        p.listed_ips,
        p.codes.join(' '),
      ]),
    ),
  );
  out.push('## Newly listed this week', '', table(listingHead, listingRows(r.newListings)));
  out.push('## Listings ended this week', '', table(listingHead, listingRows(r.endedListings)));
  out.push(
    '## Listed IPs',
    '',
    `All episodes that overlap the week (an episode ends after ${r.episodeGapHours} h without a rejection).`,
    '',
    table(listingHead, listingRows(r.listedIps)),
  );
  out.push(
    '## Fleet spread per day',
    '',
    table(
      ['day', 'active IPs', 'listed IPs', 'share listed'],
      r.fleetSpread.map((d) => [fmtDay(d.day), d.active_ips, d.listed_ips, fmtShare(d.share)]),
    ),
  );
  out.push(
    '## Bounces per day',
    '',
    table(
      ['day', 'bounces', 'block-list', 'reputation / rate limit', 'other', 'delayed'],
      r.daily.map((d) => [
        fmtDay(d.day),
        fmtInt(d.bounces),
        fmtInt(d.blocklist),
        fmtInt(d.reputation),
        fmtInt(d.other),
        fmtInt(d.delayed),
      ]),
    ),
  );
  out.push(
    '## Top sending accounts before new listings',
    '',
    'Bounces through a newly listed IP in the 24 h before its listing began.',
    '',
    table(
      ['account', 'bounces', 'listings preceded', 'IPs'],
      r.accountsBeforeListing.map((a) => [a.account, fmtInt(a.events), a.listings, a.ips]),
    ),
  );
  out.push(
    '## Top reasons',
    '',
    table(
      ['reason', 'category', 'bounces', 'share', 'week before', 'change'],
      r.topReasons.map((t) => [
        t.reason,
        t.category,
        fmtInt(t.bounces),
        fmtShare(t.share),
        fmtInt(t.previous_bounces),
        fmtChange(t.change_pct),
      ]),
    ),
  );
  return out.join('\n');
}

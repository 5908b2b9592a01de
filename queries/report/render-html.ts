// HTML for people: one self-contained page (inline CSS, inline SVG charts drawn in svg.ts, no scripts, no external assets).
import { providerColour } from '../../transform/rhost/index.ts';
import { SECTIONS, type ListedIp, type SectionId, type WeeklyReport } from './model.ts';
import { barsWithLine, esc, stackedBars, timeline } from './svg.ts';
import { fmtChange, fmtDay, fmtInt, fmtShare, fmtTime, fmtWeekSpan } from './text.ts';

const COLORS = { blocklist: '#d64545', reputation: '#e8a33d', other: '#aab4bf', accent: '#2f6fdf', ok: '#2e8b57' };
const CSS = `
*{box-sizing:border-box}body{margin:0;background:#f3f5f8;color:#1f2933;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 32px 48px}
header h1{margin:0;font-size:26px;letter-spacing:-.01em}header p{margin:4px 0 0;color:#52606d}
nav{margin:14px 0 6px;display:flex;flex-wrap:wrap;gap:6px}nav a{font-size:12px;color:#2f6fdf;text-decoration:none;background:#e8f0fe;padding:3px 9px;border-radius:12px}
section{background:#fff;border:1px solid #e1e6eb;border-radius:10px;padding:18px 22px;margin-top:18px}
h2{font-size:17px;margin:0 0 4px}.note{color:#66737f;font-size:12.5px;margin:0 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:12px;margin-top:18px}
.card{background:#fff;border:1px solid #e1e6eb;border-radius:10px;padding:12px 14px}
.card .k{font-size:12px;color:#66737f}.card .v{font-size:24px;font-weight:650;margin-top:2px}.card .d{font-size:12px;margin-top:2px}
.up{color:#c0392b}.down{color:#2e8b57}.flat{color:#66737f}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px}.grid2 section{margin-top:0}
table{border-collapse:collapse;width:100%;font-size:13px}th{text-align:left;font-weight:600;color:#52606d;border-bottom:2px solid #e1e6eb;padding:6px 8px;white-space:nowrap}
td{padding:5px 8px;border-bottom:1px solid #eef1f4;vertical-align:middle}tbody tr:nth-child(even){background:#fafbfc}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.badge{display:inline-block;font-size:11px;font-weight:600;padding:1px 7px;border-radius:9px}
.b-active{background:#fde8e8;color:#b42318}.b-ended{background:#e6f4ea;color:#1e7b45}.b-new{background:#e8f0fe;color:#1f5fbf;margin-left:4px}
.bar{display:inline-block;height:8px;border-radius:4px;background:#2f6fdf;vertical-align:middle;margin-right:6px}
.empty{color:#66737f;font-style:italic}.codes span{display:inline-block;background:#f1f3f5;border-radius:4px;padding:0 5px;margin:1px 2px;font-size:11.5px}
details summary{cursor:pointer;color:#2f6fdf;margin:6px 0}
footer{color:#8795a1;font-size:12px;margin-top:22px;text-align:center}
@media print{body{background:#fff}section,.card{break-inside:avoid}}
`;

const dir = (pct: number | null, worseWhenUp = true) =>
  pct === null || pct === 0 ? 'flat' : pct > 0 === worseWhenUp ? 'up' : 'down';
const arrow = (pct: number | null) => (pct === null ? '' : pct > 0 ? '▲ ' : pct < 0 ? '▼ ' : '');

function card(label: string, value: string, change: number | null, note?: string): string {
  const delta =
    change === null && note
      ? `<div class="d flat">${esc(note)}</div>`
      : `<div class="d ${dir(change)}">${arrow(change)}${esc(fmtChange(change))} vs last week</div>`;
  return `<div class="card"><div class="k">${esc(label)}</div><div class="v">${esc(value)}</div>${delta}</div>`;
}

function tableHtml(head: [string, boolean?][], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const th = head.map(([h, n]) => `<th${n ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}
/** Long tables show their first rows and fold the rest (a 50-IP listing should not bury the next sections). */
function longTable(head: [string, boolean?][], rows: string[][], empty: string, visible = 12): string {
  if (rows.length <= visible + 3) return tableHtml(head, rows, empty);
  return (
    tableHtml(head, rows.slice(0, visible), empty) +
    `<details><summary>${rows.length - visible} more</summary>${tableHtml(head, rows.slice(visible), empty)}</details>`
  );
}
const td = (v: unknown, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`;
const tdRaw = (html: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`;
const codes = (cs: string[]) => `<span class="codes">${cs.map((c) => `<span>${esc(c)}</span>`).join('')}</span>`;
const badge = (l: ListedIp) =>
  `<span class="badge ${l.still_active ? 'b-active">active' : 'b-ended">ended'}</span>${l.new_this_week ? '<span class="badge b-new">new</span>' : ''}`;

const LISTING_HEAD: [string, boolean?][] = [
  ['IP'],
  ['prefix'],
  ['provider'],
  ['first seen'],
  ['last seen'],
  ['week', true],
  ['episode', true],
  ['codes'],
  ['status'],
];
const listingRows = (ls: ListedIp[]) =>
  ls.map((l) => [
    td(l.sending_ip, 'mono'),
    td(l.sending_prefix, 'mono'),
    td(l.provider),
    td(fmtTime(l.first_seen)),
    td(fmtTime(l.last_seen)),
    td(fmtInt(l.rejections_week), 'n'),
    td(fmtInt(l.rejections), 'n'),
    tdRaw(codes(l.codes)),
    tdRaw(badge(l)),
  ]);

function section(id: SectionId, body: string, note?: string): string {
  const title = SECTIONS.find((s) => s.id === id)?.title ?? id;
  return `<section id="${id}"><h2>${esc(title)}</h2>${note ? `<p class="note">${esc(note)}</p>` : ''}${body}</section>`;
}

export function renderHtml(r: WeeklyReport): string {
  const t = (m: string) => r.totals.find((x) => x.metric === m) ?? { this_week: 0, previous_week: 0, change_pct: null };
  const dayLabels = r.daily.map((d) => fmtDay(d.day).slice(0, 6));
  const peak = r.fleetSpread.reduce((a, d) => (d.share > a.share ? d : a), r.fleetSpread[0] ?? { share: 0, day: '' });
  const active = r.listedIps.filter((l) => l.still_active).length;
  const weekStart = Date.parse(r.week.start);
  const weekEnd = Date.parse(r.week.end);

  const cards = [
    card('Bounces', fmtInt(t('bounces').this_week), t('bounces').change_pct),
    card('Block-list rejections', fmtInt(t('blocklist_rejections').this_week), t('blocklist_rejections').change_pct),
    card('IPs with block-list rejections', fmtInt(t('listed_ips').this_week), t('listed_ips').change_pct),
    card(
      'New listings',
      String(r.newListings.length),
      null,
      `${r.endedListings.length} ended · ${active} still active`,
    ),
    card(
      'Widest fleet spread',
      fmtShare(peak?.share ?? 0),
      null,
      peak?.share ? `of active IPs, ${fmtDay(peak.day)}` : 'no IP listed this week',
    ),
  ].join('');

  const dailyChart = stackedBars({
    title: 'Bounces per day by kind',
    labels: dayLabels,
    series: [
      { name: 'block-list', color: COLORS.blocklist, values: r.daily.map((d) => d.blocklist) },
      { name: 'reputation / rate limit', color: COLORS.reputation, values: r.daily.map((d) => d.reputation) },
      { name: 'other', color: COLORS.other, values: r.daily.map((d) => d.other) },
    ],
  });
  const spreadChart = barsWithLine({
    title: 'Listed sending IPs per day and share of the active fleet',
    labels: dayLabels,
    bars: { name: 'listed IPs', color: COLORS.blocklist, values: r.fleetSpread.map((d) => d.listed_ips) },
    line: {
      name: 'share of active IPs',
      color: COLORS.accent,
      values: r.fleetSpread.map((d) => d.share),
      format: fmtShare,
      max: Math.max(0.05, ...r.fleetSpread.map((d) => d.share)),
    },
  });
  const timelineSvg =
    r.listedIps.length === 0
      ? '<p class="empty">No block-listed IPs this week.</p>'
      : timeline({
          title: 'Listing episodes across the week',
          start: weekStart,
          end: weekEnd,
          dayLabels,
          rows: r.listedIps.map((l) => ({
            label: l.sending_ip,
            sublabel: `${l.provider} · ${l.codes.join(' ')}`,
            from: Date.parse(l.first_seen),
            to: l.still_active ? weekEnd : Date.parse(l.last_seen),
            color: providerColour(l.provider),
            open: l.still_active,
            starts: l.new_this_week,
            fadeTo: l.still_active ? undefined : Date.parse(l.last_seen) + r.episodeGapHours * 3_600_000,
            tooltip: `${l.sending_ip} at ${l.provider}: ${fmtTime(l.first_seen)} – ${fmtTime(l.last_seen)}, ${fmtInt(l.rejections_week)} rejections this week`,
          })),
        });
  const maxProvider = Math.max(1, ...r.blocklistByProvider.map((p) => p.rejections));
  const maxReason = Math.max(1e-9, ...r.topReasons.map((x) => x.share));

  const body = [
    section(
      'totals',
      tableHtml(
        [['metric'], ['this week', true], ['week before', true], ['change', true]],
        r.totals.map((x) => [
          td(x.label),
          td(fmtInt(x.this_week), 'n'),
          td(fmtInt(x.previous_week), 'n'),
          tdRaw(`<span class="${dir(x.change_pct)}">${esc(fmtChange(x.change_pct))}</span>`, 'n'),
        ]),
        'No bounces.',
      ),
    ),
    `<div class="grid2"><section id="daily"><h2>Bounces per day</h2>${dailyChart}</section>` +
      `<section id="fleet-spread"><h2>Fleet spread per day</h2>${spreadChart}</section></div>`,
    section(
      'blocklist-by-provider',
      tableHtml(
        [
          ['provider'],
          ['rejections', true],
          [''],
          ['week before', true],
          ['change', true],
          ['listed IPs', true],
          ['codes'],
        ],
        r.blocklistByProvider.map((p) => [
          td(p.provider),
          td(fmtInt(p.rejections), 'n'),
          tdRaw(
            `<span class="bar" style="width:${Math.round((p.rejections / maxProvider) * 160)}px;background:${providerColour(p.provider)}"></span>`,
          ),
          td(fmtInt(p.previous_rejections), 'n'),
          tdRaw(`<span class="${dir(p.change_pct)}">${esc(fmtChange(p.change_pct))}</span>`, 'n'),
          td(p.listed_ips, 'n'),
          tdRaw(codes(p.codes)),
        ]),
        'No block-list rejections this week or the week before.',
      ),
    ),
    section(
      'listed-ips',
      timelineSvg +
        `<details><summary>All ${r.listedIps.length} listings as a table</summary>` +
        tableHtml(LISTING_HEAD, listingRows(r.listedIps), 'None.') +
        '</details>',
      `One bar per IP and receiver; a dot marks a listing that began this week, an arrow one still active at the end of the week, ` +
        `a faint tail the quiet hours before an ended listing counted as over. ` +
        `An episode ends after ${r.episodeGapHours} h without a rejection.`,
    ),
    section('new-listings', longTable(LISTING_HEAD, listingRows(r.newListings), 'No new listings this week.')),
    section('ended-listings', longTable(LISTING_HEAD, listingRows(r.endedListings), 'No listing ended this week.')),
    section(
      'accounts-before-listing',
      tableHtml(
        [['account'], ['bounces', true], ['listings preceded', true], ['IPs', true]],
        r.accountsBeforeListing.map((a) => [
          td(a.account, 'mono'),
          td(fmtInt(a.events), 'n'),
          td(a.listings, 'n'),
          td(a.ips, 'n'),
        ]),
        'No new listings, so no accounts to look at.',
      ),
      'Bounces through a newly listed IP in the 24 h before its listing began: compromised accounts usually top this list.',
    ),
    section(
      'top-reasons',
      tableHtml(
        [['reason'], ['category'], ['bounces', true], ['share'], ['week before', true], ['change', true]],
        r.topReasons.map((x) => [
          td(x.reason),
          td(x.category),
          td(fmtInt(x.bounces), 'n'),
          tdRaw(
            `<span class="bar" style="width:${Math.round((x.share / maxReason) * 120)}px"></span>${esc(fmtShare(x.share))}`,
          ),
          td(fmtInt(x.previous_bounces), 'n'),
          tdRaw(`<span class="${dir(x.change_pct)}">${esc(fmtChange(x.change_pct))}</span>`, 'n'),
        ]),
        'No bounces.',
      ),
    ),
  ].join('\n');

  const nav = SECTIONS.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Deliverability report ${esc(r.week.label)}</title><style>${CSS}</style></head>
<body><main>
<header><h1>Weekly deliverability report ${esc(r.week.label)}</h1>
<p>${esc(fmtWeekSpan(r.week.start, r.week.end))} (UTC) · compared with ${esc(r.previousWeek.label)}</p></header>
<nav>${nav}</nav>
<div class="cards">${cards}</div>
${body}
<footer>bounce-pipeline · generated ${esc(r.generatedAt)} · all times UTC</footer>
</main></body></html>
`;
}

// The weekly report against a real embedded store seeded with the small exact seed: every number that the
// plan determines (totals, week-over-week change, listings new/ended/active, fleet spread, top accounts) must
// match the plan's own arithmetic (queries/seed/expected.ts) and a few hand-checked literals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { freshStore, type TestStore } from '../helpers/store.ts';
import { seedStore } from '../../queries/seed/run.ts';
import { expectedWindow } from '../../queries/seed/expected.ts';
import type { SeedPlan } from '../../queries/seed/plan.ts';
import { buildWeeklyReport } from '../../queries/report/weekly.ts';
import { changePct, type WeeklyReport } from '../../queries/report/model.ts';
import { parseIsoWeek, shiftIsoWeek } from '../../queries/report/week.ts';
import { writeReport } from '../../queries/report/write.ts';
import { runNamed } from '../../queries/named.ts';

const GAP = 24;
const NOW = new Date('2026-12-01T06:00:00Z');
let store: TestStore;
let plan: SeedPlan;
const reports = new Map<string, WeeklyReport>();

test.before(async () => {
  store = await freshStore({ episodeGapHours: GAP });
  ({ plan } = await seedStore(store, { events: 20_000, start: new Date('2026-11-02T00:00:00Z'), days: 28, seed: 7 }));
  for (const label of ['2026-W45', '2026-W46', '2026-W47', '2026-W48', '2026-W49']) {
    reports.set(label, await buildWeeklyReport(store, { week: parseIsoWeek(label), now: NOW }));
  }
});
test.after.always(async () => {
  await store?.close();
  if (store) fs.rmSync(store.dataDir, { recursive: true, force: true });
});

const sec = (d: Date) => d.getTime() / 1000;
const expectedFor = (label: string) => {
  const w = parseIsoWeek(label);
  return expectedWindow(plan, sec(w.start), sec(w.end), GAP);
};
const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
const total = (r: WeeklyReport, metric: string) => r.totals.find((t) => t.metric === metric)!;

for (const label of ['2026-W46', '2026-W47', '2026-W48']) {
  test(`${label}: totals and week-over-week change are exact`, (t) => {
    const r = reports.get(label)!;
    const exp = expectedFor(label);
    const prev = expectedFor(shiftIsoWeek(parseIsoWeek(label), -1).label);
    t.is(total(r, 'bounces').this_week, exp.bounces);
    t.is(total(r, 'bounces').previous_week, prev.bounces);
    t.is(total(r, 'bounces').change_pct, changePct(exp.bounces, prev.bounces));
    t.is(total(r, 'blocklist_rejections').this_week, exp.blocklistRejections);
    t.is(total(r, 'blocklist_rejections').previous_week, prev.blocklistRejections);
    t.is(total(r, 'listed_ips').this_week, exp.listedIps);
    t.is(total(r, 'sending_ips').this_week, 200, 'the round-robin baseline touches every fleet IP every week');
    t.is(total(r, 'failed').this_week + total(r, 'delayed').this_week, exp.bounces);
    t.is(
      r.topReasons.reduce((s, x) => s + x.bounces, 0),
      exp.bounces,
      'all reasons fit in the top list',
    );
    t.is(
      r.blocklistByProvider.reduce((s, p) => s + p.rejections, 0),
      exp.blocklistRejections,
    );
  });

  test(`${label}: listed IPs, new and ended listings are exact`, (t) => {
    const r = reports.get(label)!;
    const exp = expectedFor(label);
    const key = (x: { provider: string; sending_ip: string }) => `${x.provider} ${x.sending_ip}`;
    const got = [...r.listedIps].sort((a, b) => key(a).localeCompare(key(b)));
    const want = [...exp.listings].sort((a, b) => key(a).localeCompare(key(b)));
    t.deepEqual(
      got,
      want.map((l) => ({
        sending_ip: l.sending_ip,
        sending_prefix: got.find((g) => g.sending_ip === l.sending_ip)?.sending_prefix ?? '?',
        provider: l.provider,
        first_seen: iso(l.first_seen),
        last_seen: iso(l.last_seen),
        rejections: l.rejections,
        rejections_week: l.rejections_week,
        codes: l.codes,
        still_active: l.still_active,
        new_this_week: l.new_this_week,
        ended_this_week: l.ended_this_week,
      })),
    );
    t.deepEqual(
      r.newListings,
      r.listedIps.filter((l) => l.new_this_week),
    );
    t.deepEqual(
      r.endedListings,
      r.listedIps.filter((l) => l.ended_this_week),
    );
    for (const l of r.listedIps)
      t.true(l.still_active !== l.ended_this_week, 'every listing is either active or ended');
  });

  test(`${label}: fleet spread and daily bounces are exact`, (t) => {
    const r = reports.get(label)!;
    const exp = expectedFor(label);
    t.deepEqual(
      r.fleetSpread.map((d) => [d.day, d.active_ips, d.listed_ips]),
      exp.days.map((d) => [d.day, d.activeIps, d.listedIps]),
    );
    for (const d of r.fleetSpread) t.true(Math.abs(d.share - d.listed_ips / d.active_ips) < 1e-4);
    t.deepEqual(
      r.daily.map((d) => [d.day, d.bounces, d.blocklist]),
      exp.days.map((d) => [d.day, d.bounces, d.blocklist]),
    );
    for (const d of r.daily) t.is(d.blocklist + d.reputation + d.other, d.bounces);
  });

  test(`${label}: the compromised accounts top the accounts before new listings, with exact counts`, (t) => {
    const r = reports.get(label)!;
    const exp = [...expectedFor(label).accountsBefore.entries()].sort(
      (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
    );
    t.deepEqual(
      r.accountsBeforeListing.slice(0, exp.length).map((a) => [a.account, a.events]),
      exp,
    );
  });
}

test('hand-checked calendar: listing A starts in W46 and ends in W47, listing B starts in W48 and stays active', (t) => {
  const w46 = reports.get('2026-W46')!;
  const w47 = reports.get('2026-W47')!;
  const w48 = reports.get('2026-W48')!;
  // W46: 40 Outlook.com IPs of 198.51.100.0/24 + 3 T-Online IPs are newly listed; nothing ended
  t.is(w46.newListings.length, 43);
  t.is(w46.newListings.filter((l) => l.provider === 'microsoft' && l.sending_prefix === '198.51.100.0/24').length, 40);
  t.is(w46.newListings.filter((l) => l.provider === 'tonline').length, 3);
  t.is(w46.endedListings.length, 0);
  t.deepEqual(
    w46.accountsBeforeListing
      .slice(0, 3)
      .map((a) => a.account)
      .sort(),
    ['u4048@kunde1048.example', 'u4117@kunde1117.example', 'u4977@kunde477.example'],
  );
  // W47: the two Exchange Online 5.7.606 bans begin; listing A (40) and the T-Online listing (3) end
  t.deepEqual(
    w47.newListings.map((l) => `${l.sending_ip} ${l.codes.join()}`),
    ['192.0.2.15 5.7.606', '192.0.2.16 5.7.606'],
  );
  t.is(w47.endedListings.length, 43);
  // W48: 48 IPs of 203.0.113.0/24 and 4 of the IPv6 /64 newly listed, all still active; the 5.7.606 bans end
  t.is(w48.newListings.length, 52);
  t.true(w48.newListings.every((l) => l.still_active));
  t.is(w48.newListings.filter((l) => l.sending_prefix === '2001:db8:7:1::/64').length, 4);
  t.true(w48.newListings.some((l) => l.sending_ip === '2001:db8:7:1::a1'));
  t.deepEqual(
    w48.endedListings.map((l) => l.sending_ip),
    ['192.0.2.15', '192.0.2.16'],
  );
  t.deepEqual(
    w48.accountsBeforeListing
      .slice(0, 2)
      .map((a) => a.account)
      .sort(),
    ['u4333@kunde1333.example', 'u5201@kunde701.example'],
  );
  t.true(w48.accountsBeforeListing.slice(0, 2).every((a) => a.listings === 52 && a.ips === 52));
  t.deepEqual(
    w48.blocklistByProvider.map((p) => p.provider),
    ['microsoft', 'tonline'],
  );
  t.is(w48.blocklistByProvider[1].rejections, 0);
  t.is(w48.blocklistByProvider[1].change_pct, -100);
});

test('weeks without data: before the seed and after it', (t) => {
  const w45 = reports.get('2026-W45')!;
  t.is(total(w45, 'bounces').previous_week, 0);
  t.is(total(w45, 'bounces').change_pct, null, 'no week before: no percentage');
  t.is(w45.listedIps.length, 0);
  t.is(w45.accountsBeforeListing.length, 0);
  const w49 = reports.get('2026-W49')!;
  t.is(total(w49, 'bounces').this_week, 0);
  t.is(total(w49, 'bounces').change_pct, -100);
  t.is(w49.fleetSpread.length, 7, 'every day of the week is present, zeros included');
  t.true(w49.fleetSpread.every((d) => d.active_ips === 0 && d.share === 0));
  // listing B was still active at the end of W48; with no rejection in W49 it ends there
  t.is(w49.endedListings.length, 52);
});

test('a past week gives the same report when rebuilt (only data before its end is read)', async (t) => {
  const again = await buildWeeklyReport(store, { week: parseIsoWeek('2026-W47'), now: NOW });
  t.deepEqual(again, reports.get('2026-W47'));
});

test('the report agrees with the named query new-listings', async (t) => {
  for (const label of ['2026-W46', '2026-W48']) {
    const w = parseIsoWeek(label);
    const rows = await runNamed<{ sending_ip: string; provider: string; first_seen: string }>(store, 'new-listings', {
      since: w.start,
      until: w.end,
      category: 'ip_blocklist',
    });
    const named = rows.map((x) => `${x.provider} ${x.sending_ip} ${x.first_seen}`).sort();
    const ours = reports
      .get(label)!
      .newListings.map((l) => `${l.provider} ${l.sending_ip} ${l.first_seen.replace('T', ' ').replace('Z', '')}`)
      .sort();
    t.deepEqual(ours, named, label);
  }
});

test('writeReport writes every format with the documented names', (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-report-'));
  const files = writeReport(reports.get('2026-W48')!, out, ['html', 'csv', 'md', 'json']).map((f) => path.basename(f));
  t.true(files.includes('report-2026-W48.html'));
  t.true(files.includes('report-2026-W48.md'));
  t.true(files.includes('report-2026-W48.json'));
  t.true(files.includes('report-2026-W48-listed-ips.csv'));
  t.is(files.filter((f) => f.endsWith('.csv')).length, 9);
  t.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'report-2026-W48.json'), 'utf8')), reports.get('2026-W48'));
  fs.rmSync(out, { recursive: true, force: true });
});

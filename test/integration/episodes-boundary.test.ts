// The listing-episode rule at its boundary, asked through every reader: named queries, the weekly report and the
// dashboard SQL (after Grafana's macro expansion) must return the same episodes. Incidents are seeded with rejections
// exactly one episode gap (24 h) before the moment asked about, one second past it, and exactly one gap apart.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshStore, type TestStore } from '../helpers/store.ts';
import { makeEvent } from '../helpers/events.ts';
import { renderQuery, type QueryTime } from '../helpers/grafana-macros.ts';
import { insertEvents } from '../../queries/events.ts';
import { runNamed } from '../../queries/named.ts';
import { buildWeeklyReport } from '../../queries/report/weekly.ts';
import { parseIsoWeek } from '../../queries/report/week.ts';
import type { WeeklyReport } from '../../queries/report/model.ts';
import type { BounceEvent } from '../../transform/bounce-event.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEEK = parseIsoWeek('2026-W48');
const S = WEEK.start.getTime(); // since: Mon 2026-11-23 00:00 UTC
const T = WEEK.end.getTime(); // as of: Mon 2026-11-30 00:00 UTC
const H = 3_600_000;
const SEC = 1000;
const GAP = 24 * H;
const at = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

const reject = (ip: string, ms: number) =>
  makeEvent({ sending_ip: ip, sending_prefix: '198.51.100.0/24', listed_ip: ip, account: '', bounced_at: at(ms) });
const sentBy = (ip: string, account: string, ms: number) =>
  makeEvent({
    sending_ip: ip,
    sending_prefix: '198.51.100.0/24',
    listed_ip: null,
    account,
    provider: 'gmx',
    category: 'recipient_unknown',
    reason: 'userunknown',
    ms_code: '',
    status: '5.1.1',
    remote_mta: 'mx00.gmx.net',
    bounced_at: at(ms),
  });

const EVENTS: BounceEvent[] = [
  // .1: the last rejection exactly one gap before T: still active (a rejection at T would continue it)
  reject('198.51.100.1', T - 30 * H),
  reject('198.51.100.1', T - GAP),
  // .2: one second more than a gap before T: ended
  reject('198.51.100.2', T - 30 * H),
  reject('198.51.100.2', T - GAP - SEC),
  // .3: two rejections exactly one gap apart: one episode
  reject('198.51.100.3', T - 80 * H),
  reject('198.51.100.3', T - 80 * H + GAP),
  // .4: one second more than a gap apart: two episodes
  reject('198.51.100.4', T - 90 * H),
  reject('198.51.100.4', T - 90 * H + GAP + SEC),
  // .5: a listing that begins exactly at the week's start; accounts sent through it before
  reject('198.51.100.5', S),
  reject('198.51.100.5', S + H),
  sentBy('198.51.100.5', 'early@cust.example', S - GAP), // exactly the lookback before: counts
  sentBy('198.51.100.5', 'old@cust.example', S - GAP - SEC), // one second earlier: outside
  sentBy('198.51.100.5', 'late@cust.example', S), // at the listing moment: not before it
  // .6: its last rejection exactly one gap before the week's start: still active at the start, ended in the week
  reject('198.51.100.6', S - 30 * H),
  reject('198.51.100.6', S - GAP),
  // .7: one second earlier: ended before the week began
  reject('198.51.100.7', S - 30 * H),
  reject('198.51.100.7', S - GAP - SEC),
  // .8: began more than a gap before the week and runs into it: no new listing in the week (accounts before
  // listing reads only a gap and an hour of history before the week; it must not take S - 2 h for a start)
  reject('198.51.100.8', S - 26 * H),
  reject('198.51.100.8', S - 2 * H),
  reject('198.51.100.8', S + H),
  sentBy('198.51.100.8', 'prior@cust.example', S - 3 * H),
];

let store: TestStore;
let report: WeeklyReport;
test.before(async () => {
  store = await freshStore({ episodeGapHours: 24 });
  await insertEvents(store, EVENTS, 'episodes-boundary');
  report = await buildWeeklyReport(store, { week: WEEK, now: new Date(T) });
});
test.after.always(async () => {
  await store?.close();
  if (store) fs.rmSync(store.dataDir, { recursive: true, force: true });
});

// --- dashboard SQL as Grafana sends it, over the range [S, T] -----------------------------------------------------
interface Target {
  rawSql: string;
}
const incidents = JSON.parse(fs.readFileSync(path.join(root, 'dashboards/block-list-incidents.json'), 'utf8')) as {
  panels: { title: string; targets: Target[] }[];
  annotations: { list: { name: string; target?: Target }[] };
};
const RANGE: QueryTime = { from: new Date(S), to: new Date(T), intervalMs: H };
const ALL = [
  { name: 'provider', current: '$__all' },
  { name: 'prefix', current: '$__all' },
];
async function dashboard(kind: 'panel' | 'annotation', title: string): Promise<Record<string, unknown>[]> {
  const target =
    kind === 'panel'
      ? incidents.panels.find((p) => p.title === title)!.targets[0]
      : incidents.annotations.list.find((a) => a.name === title)!.target!;
  const rs = await store.client.query({ query: renderQuery(target.rawSql, ALL, RANGE), format: 'JSONEachRow' });
  return rs.json();
}

const ip = (r: Record<string, unknown>) => String(r.sending_ip ?? r.ip ?? r.listed_ip);
const sorted = (xs: string[]) => [...xs].sort();
const iso = (v: unknown) => `${String(v).replace(' ', 'T')}Z`;
const param = { since: new Date(S), until: new Date(T) };

test('the boundary itself: exactly one gap of silence continues an episode, one second more ends it', async (t) => {
  const rows = await runNamed<Record<string, unknown>>(store, 'new-listings', param);
  const key = rows.map(
    (r) => `${ip(r)} ${String(r.first_seen)} ${String(r.last_seen)} ${String(r.rejections)} ${String(r.still_active)}`,
  );
  t.deepEqual(
    sorted(key),
    sorted([
      `198.51.100.1 ${at(T - 30 * H)} ${at(T - GAP)} 2 1`,
      `198.51.100.2 ${at(T - 30 * H)} ${at(T - GAP - SEC)} 2 0`,
      `198.51.100.3 ${at(T - 80 * H)} ${at(T - 80 * H + GAP)} 2 0`,
      `198.51.100.4 ${at(T - 90 * H)} ${at(T - 90 * H)} 1 0`,
      `198.51.100.4 ${at(T - 90 * H + GAP + SEC)} ${at(T - 90 * H + GAP + SEC)} 1 0`,
      `198.51.100.5 ${at(S)} ${at(S + H)} 2 0`,
    ]),
  );
});

test('active at T: named query, dashboard table and stat, report agree', async (t) => {
  const named = (await runNamed(store, 'active-listings', { now: new Date(T) })).map(ip);
  const panel = (await dashboard('panel', 'Active listings')).map(ip);
  const [stat] = await dashboard('panel', 'IPs listed now');
  const reported = report.listedIps.filter((l) => l.still_active).map((l) => l.sending_ip);
  t.deepEqual(named, ['198.51.100.1']);
  t.deepEqual(panel, named);
  t.is(Number(stat.listed_now), named.length);
  t.deepEqual(reported, named);
});

test('listings that began in the week: named query, dashboard annotation, report agree', async (t) => {
  const named = (await runNamed(store, 'new-listings', param)).map((r) => `${ip(r)} ${iso(r.first_seen)}`);
  const started = (await dashboard('annotation', 'Listing started')).map(
    (r) => `${String(r.text).split(' ')[0]} ${iso(r.time)}`,
  );
  const reported = report.newListings.map((l) => `${l.sending_ip} ${l.first_seen}`);
  t.is(named.length, 6);
  t.deepEqual(sorted(started), sorted(named));
  t.deepEqual(sorted(reported), sorted(named));
});

test('ended listings: named query, dashboard annotation, report agree (the report also lists .6, ended in the week)', async (t) => {
  const named = (await runNamed(store, 'ended-listings', param)).map((r) => `${ip(r)} ${iso(r.last_seen)}`);
  const ended = (await dashboard('annotation', 'Listing ended')).map(
    (r) => `${String(r.text).split(' ')[0]} ${iso(r.time)}`,
  );
  const reported = report.endedListings.map((l) => `${l.sending_ip} ${l.last_seen}`);
  t.deepEqual(sorted(named.map((x) => x.split(' ')[0])), [
    '198.51.100.2',
    '198.51.100.3',
    '198.51.100.4',
    '198.51.100.4',
    '198.51.100.5',
    '198.51.100.8',
  ]);
  t.deepEqual(sorted(ended), sorted(named));
  // The report lists every episode that overlaps the week: .6 was still active at its start (exactly one gap of
  // silence) and ended in it; .7 (one second more) had ended before it.
  t.deepEqual(sorted(reported), sorted([...named, `198.51.100.6 ${iso(at(S - GAP))}`]));
  t.false(report.listedIps.some((l) => l.sending_ip === '198.51.100.7'));
});

test('accounts before listing: named query, dashboard panel, report agree on [listing - 24 h, listing)', async (t) => {
  const named = await runNamed<Record<string, unknown>>(store, 'accounts-before-listing', param);
  const panel = await dashboard('panel', 'Accounts before listing');
  t.deepEqual(
    named.map((r) => [ip(r), r.listed_at, r.account, r.events]),
    [['198.51.100.5', at(S), 'early@cust.example', 1]],
  );
  t.deepEqual(
    panel.map((r) => [ip(r), r.listed_at, r.account, Number(r.events_24h_before)]),
    [['198.51.100.5', at(S), 'early@cust.example', 1]],
  );
  t.deepEqual(report.accountsBeforeListing, [{ account: 'early@cust.example', events: 1, listings: 1, ips: 1 }]);
});

// The seed generator against a real embedded store: exact row counts, incident rows where and when the plan
// puts them, rollups filled through the materialized views, and the same rows again for the same seed.
import fs from 'node:fs';
import test from 'ava';
import { freshStore, type TestStore } from '../helpers/store.ts';
import { seedStore } from '../../queries/seed/run.ts';
import { blockRowTime, planSeed, type SeedOptions } from '../../queries/seed/plan.ts';
import { FLEET_IPS } from '../../queries/seed/fleet.ts';

const OPTIONS: SeedOptions = { events: 12_000, start: new Date('2026-11-02T00:00:00Z'), days: 28, seed: 11 };
let store: TestStore;

test.before(async () => {
  store = await freshStore();
  await seedStore(store, OPTIONS);
});
test.after.always(async () => {
  await store?.close();
  if (store) fs.rmSync(store.dataDir, { recursive: true, force: true });
});

async function rows<T = Record<string, unknown>>(query: string): Promise<T[]> {
  const rs = await store.client.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}
const CHECKSUM = `SELECT count() AS n, toString(groupBitXor(cityHash64(event_id, bounced_at, sending_ip, provider, reason,
  category, ms_code, recipient, account, listed_ip, diagnostic))) AS h FROM bounce_events FINAL`;

test.serial('the plan is pure: same options, same plan; exactly --events rows; a clear error when too small', (t) => {
  const a = planSeed(OPTIONS);
  t.deepEqual(planSeed({ ...OPTIONS }), a);
  t.is(a.baselineRows + a.blocks.reduce((s, b) => s + b.rows, 0), OPTIONS.events);
  t.deepEqual(
    a.incidents.map((i) => i.id),
    [
      'burst-a',
      'ms-listing-a',
      'tonline-bl',
      'eop-606',
      'yahoo-tss04',
      'gmail-4728-1',
      'burst-b',
      'ms-listing-b',
      'gmail-4728-2',
    ],
  );
  t.is(FLEET_IPS.length, 200);
  t.is(new Set(FLEET_IPS.map((f) => f.ip)).size, 200);
  for (const b of a.blocks) {
    t.true(b.rows >= 1 && b.start < b.end && b.end <= a.startSec + a.spanSec);
    t.true((b.end - b.start) / b.rows <= 6 * 3600, 'rows at most 6 h apart, so an episode never splits at a 24 h gap');
  }
  t.throws(() => planSeed({ ...OPTIONS, events: 3000 }), {
    message: /--events 3000 is too small for 28 days.*use --events \d+ or more/,
  });
  t.throws(() => planSeed({ ...OPTIONS, start: new Date('2026-11-02T05:00:00Z') }), {
    message: /--start must be a date/,
  });
});

test.serial('row counts: exactly the requested events, incident rows per block as planned', async (t) => {
  const plan = planSeed(OPTIONS);
  const [{ n }] = await rows<{ n: number }>('SELECT count() AS n FROM bounce_events');
  t.is(Number(n), OPTIONS.events);
  // incident categories never come from the baseline, so each (ip, provider, code) group is one block
  const got = await rows<{
    ip: string;
    provider: string;
    code: string;
    n: string;
    first: string;
    last: string;
    listed: string;
  }>(`
    SELECT replaceRegexpOne(toString(sending_ip), '^::ffff:', '') AS ip, provider, if(ms_code != '', ms_code, status) AS code,
      count() AS n, toUnixTimestamp(min(bounced_at)) AS first, toUnixTimestamp(max(bounced_at)) AS last,
      countIf(listed_ip = sending_ip) AS listed
    FROM bounce_events WHERE category IN ('ip_blocklist', 'ip_reputation', 'rate_limit')
    GROUP BY ip, provider, code`);
  const incidentBlocks = plan.blocks.filter((b) => b.rejection.category !== 'recipient_unknown');
  const key = (ip: string, provider: string, code: string) => `${ip}|${provider}|${code}`;
  const want = new Map<string, { n: number; first: number; last: number; listed: number }>();
  for (const b of incidentBlocks) {
    const k = key(b.ip, b.rejection.provider, b.rejection.ms_code || b.rejection.status);
    const w = want.get(k) ?? { n: 0, first: Infinity, last: -Infinity, listed: 0 };
    w.n += b.rows;
    w.first = Math.min(w.first, blockRowTime(b, 0));
    w.last = Math.max(w.last, blockRowTime(b, b.rows - 1));
    w.listed += b.listed ? b.rows : 0;
    want.set(k, w);
  }
  t.is(got.length, want.size);
  for (const g of got) {
    t.deepEqual(
      { n: Number(g.n), first: Number(g.first), last: Number(g.last), listed: Number(g.listed) },
      want.get(key(g.ip, g.provider, g.code)),
      key(g.ip, g.provider, g.code),
    );
  }
  // compromised accounts appear only in their bursts
  const [burst] = await rows<{ n: string }>(`SELECT count() AS n FROM bounce_events WHERE account IN
    ('u4117@kunde1117.example', 'u4977@kunde477.example', 'u4048@kunde1048.example', 'u5201@kunde701.example', 'u4333@kunde1333.example')`);
  t.is(
    Number(burst.n),
    plan.blocks.filter((b) => b.accounts.length > 0).reduce((s, b) => s + b.rows, 0),
  );
});

test.serial('the rows look like the pipeline writes them', async (t) => {
  const [r] = await rows<Record<string, unknown>>(
    `SELECT * FROM bounce_events WHERE ms_code = 'S3150' ORDER BY bounced_at, event_id LIMIT 1`,
  );
  t.regex(String(r.event_id), /^[0-9a-f]{32}$/);
  t.is(r.provider, 'microsoft');
  t.is(r.category, 'ip_blocklist');
  t.is(r.reason, 'blocked');
  t.is(r.reply_code, 550);
  t.is(r.sending_prefix, '198.51.100.0/24');
  t.is(r.listed_ip, r.sending_ip);
  t.true(String(r.diagnostic).includes(`messages from [${String(r.sending_ip).replace('::ffff:', '')}] weren't sent`));
  t.true(String(r.diagnostic).includes('(S3150)'));
  const [v6] = await rows<{
    ip: string;
    prefix: string;
  }>(`SELECT toString(sending_ip) AS ip, sending_prefix AS prefix FROM bounce_events
    WHERE sending_prefix = '2001:db8:7:1::/64' LIMIT 1`);
  t.regex(v6.ip, /^2001:db8:7:1::[0-9a-f]+$/);
  const [stats] = await rows<{
    providers: string;
    domains: string;
    accounts: string;
  }>(`SELECT uniqExact(provider) AS providers,
    uniqExact(recipient_domain) AS domains, uniqExact(account) AS accounts FROM bounce_events`);
  t.is(Number(stats.providers), 9);
  t.true(Number(stats.domains) > 300, 'many recipient domains (3,000 at scale)');
  t.true(Number(stats.accounts) > 1000, 'thousands of accounts');
});

test.serial('the materialized views filled the rollups', async (t) => {
  const [h] = await rows<{ n: string }>('SELECT sum(bounces) AS n FROM bounce_hourly');
  t.is(Number(h.n), OPTIONS.events);
  const [l] = await rows<{ n: string }>(
    `SELECT sum(r) AS n FROM (SELECT uniqMerge(rejections) AS r FROM listing_hourly GROUP BY hour, category, provider, sending_ip)`,
  );
  const [raw] = await rows<{ n: string }>(
    `SELECT count() AS n FROM bounce_events WHERE category IN ('ip_blocklist', 'ip_reputation')`,
  );
  t.is(Number(l.n), Number(raw.n));
});

test.serial('the same seed gives the same rows (a second run collapses onto the first)', async (t) => {
  const [before] = await rows<{ n: string; h: string }>(CHECKSUM);
  await seedStore(store, OPTIONS);
  const [after] = await rows<{ n: string; h: string }>(CHECKSUM);
  t.is(Number(after.n), OPTIONS.events, 'same event ids and same sort keys: FINAL keeps one of each');
  t.is(after.h, before.h, 'and the same values');
});

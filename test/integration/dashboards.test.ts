// Every panel, variable, annotation and alert query of the provisioned dashboards runs against the migrated schema
// (real embedded ClickHouse, own temp data dir) with seeded incidents, after Grafana's template-variable and
// grafana-clickhouse-datasource macro expansion (test/helpers/grafana-macros.ts). Shapes and key numbers are asserted.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { freshStore, type TestStore } from '../helpers/store.ts';
import { makeEvent } from '../helpers/events.ts';
import { insertEvents, STORED_EVENT_IDS_SQL } from '../../queries/events.ts';
import { renderQuery, type QueryTime, type TemplateVariable } from '../helpers/grafana-macros.ts';
import type { BounceEvent } from '../../transform/bounce-event.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOUR = 3_600_000;
const MIN = 60_000;
// Anchor at a whole hour a day ago, so TTLs never touch the data and hourly buckets are stable.
const T = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
const at = (msBeforeT: number) => new Date(T - msBeforeT).toISOString().slice(0, 19).replace('T', ' ');
const range: QueryTime = { from: new Date(T - 7 * 24 * HOUR), to: new Date(T), intervalMs: HOUR };

interface Target {
  refId: string;
  rawSql: string;
  format?: number;
  datasource?: { uid: string };
}
interface Panel {
  id: number;
  title: string;
  type: string;
  targets: Target[];
}
interface Variable {
  name: string;
  query: { rawSql: string };
}
interface Annotation {
  name: string;
  builtIn?: number;
  target?: Target;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: Annotation[] };
}

const load = (file: string) => JSON.parse(fs.readFileSync(path.join(root, 'dashboards', file), 'utf8')) as Dashboard;
const incidents = load('block-list-incidents.json');
const overview = load('deliverability-overview.json');
const alerting = YAML.parse(
  fs.readFileSync(path.join(root, 'dashboards/provisioning/alerting/blocklist-alerts.yaml'), 'utf8'),
);
const alertRule = alerting.groups[0].rules[0];

// --- seed: three block-list incidents, alert candidates, and ordinary bounces ----------------------------------
const ms = (ip: string, prefix: string, code: string, msBefore: number, extra: Partial<BounceEvent> = {}) =>
  makeEvent({
    sending_ip: ip,
    sending_prefix: prefix,
    listed_ip: ip,
    ms_code: code,
    bounced_at: at(msBefore),
    ...extra,
  });
const events: BounceEvent[] = [];
// Incident 1: Microsoft S3150 on 198.51.100.7 from T-30h to T-1h (still active at T).
for (let i = 0; i < 30; i++) events.push(ms('198.51.100.7', '198.51.100.0/24', 'S3150', 30 * HOUR - i * 60 * MIN));
// ... preceded by a compromised account sending from that IP (5 bounces in the 24 h before), and one other account.
for (let i = 0; i < 5; i++) {
  events.push(
    makeEvent({
      sending_ip: '198.51.100.7',
      sending_prefix: '198.51.100.0/24',
      listed_ip: null,
      account: 'compromised@example.net',
      provider: 'gmx',
      category: 'recipient_unknown',
      reason: 'userunknown',
      ms_code: '',
      status: '5.1.1',
      remote_mta: 'mx00.gmx.net',
      bounced_at: at(40 * HOUR - i * HOUR),
    }),
  );
}
events.push(
  makeEvent({
    sending_ip: '198.51.100.7',
    sending_prefix: '198.51.100.0/24',
    listed_ip: null,
    account: 'bob@example.net',
    provider: 'yahoo',
    category: 'mailbox_full',
    reason: 'mailboxfull',
    ms_code: '',
    status: '5.2.2',
    remote_mta: 'mta5.am0.yahoodns.net',
    bounced_at: at(35 * HOUR),
  }),
);
// Incident 2: Microsoft S3140 on 198.51.100.8, six to five days ago: ended.
for (let i = 0; i < 8; i++) events.push(ms('198.51.100.8', '198.51.100.0/24', 'S3140', 6 * 24 * HOUR - i * 3 * HOUR));
// Incident 3: Google block-list on 203.0.113.5, three to two hours ago.
for (let i = 0; i < 6; i++) {
  events.push(
    makeEvent({
      sending_ip: '203.0.113.5',
      sending_prefix: '203.0.113.0/24',
      listed_ip: null,
      provider: 'google',
      ms_code: '',
      status: '5.7.1',
      remote_mta: 'gmail-smtp-in.l.google.com',
      bounced_at: at(3 * HOUR - i * 10 * MIN),
    }),
  );
}
// Alert candidates at the end of the range: .10 newly listed 10 minutes ago with 12 rejections (fires), .11 listed
// 41 minutes ago with 2, then 12 more (a new listing too: fires), .12 new with 4 (below N), .13 listed 80 minutes ago
// with one rejection and 11 now (its listing began over an hour ago: no longer new).
for (let i = 0; i < 12; i++) events.push(ms('192.0.2.10', '192.0.2.0/24', 'S3150', 10 * MIN - i * 30_000));
for (let i = 0; i < 12; i++) events.push(ms('192.0.2.11', '192.0.2.0/24', 'S3150', 10 * MIN - i * 30_000));
for (let i = 0; i < 2; i++) events.push(ms('192.0.2.11', '192.0.2.0/24', 'S3150', 40 * MIN + i * MIN));
for (let i = 0; i < 4; i++) events.push(ms('192.0.2.12', '192.0.2.0/24', 'S3150', 5 * MIN - i * MIN));
events.push(ms('192.0.2.13', '192.0.2.0/24', 'S3150', 80 * MIN));
for (let i = 0; i < 11; i++) events.push(ms('192.0.2.13', '192.0.2.0/24', 'S3150', 14 * MIN - i * MIN));
const MS_S3150 = 30 + 12 + 14 + 4 + 12; // every Microsoft S3150 rejection above
const MS_ALL = MS_S3150 + 8; // plus the S3140 incident
// Ordinary bounces: deferrals (rate limit) and unknown users from an unlisted IP.
for (let i = 0; i < 7; i++) {
  events.push(
    makeEvent({
      sending_ip: '198.51.100.9',
      sending_prefix: '198.51.100.0/24',
      listed_ip: null,
      provider: 'yahoo',
      action: 'delayed',
      category: 'rate_limit',
      reason: 'ratelimited',
      ms_code: '',
      status: '4.7.0',
      reply_code: 421,
      remote_mta: 'mta6.am0.yahoodns.net',
      bounced_at: at(20 * HOUR + i * HOUR),
    }),
  );
}
for (let i = 0; i < 3; i++) {
  events.push(
    makeEvent({
      sending_ip: '198.51.100.9',
      sending_prefix: '198.51.100.0/24',
      listed_ip: null,
      provider: 'other',
      category: 'recipient_unknown',
      reason: 'userunknown',
      ms_code: '',
      status: '5.1.1',
      remote_mta: 'mx.example.org',
      bounced_at: at(50 * HOUR + i * HOUR),
    }),
  );
}
const total = events.length;
const failedCount = events.filter((e) => e.action === 'failed').length;
const delayedCount = events.filter((e) => e.action === 'delayed').length;
const blocklistCount = events.filter((e) => e.category === 'ip_blocklist').length;

// --- running queries -------------------------------------------------------------------------------------------------
let store: TestStore;
test.before(async () => {
  store = await freshStore();
  await insertEvents(store, events, 'dashboards-test-seed');
});
test.after.always(async () => {
  await store?.close();
  if (store) fs.rmSync(store.dataDir, { recursive: true, force: true });
});

interface Result {
  names: string[];
  types: string[];
  rows: Record<string, unknown>[];
}
async function run(sql: string, vars: TemplateVariable[], t: QueryTime = range): Promise<Result> {
  const query = renderQuery(sql, vars, t);
  const rs = await store.client.query({ query, format: 'JSON' });
  const body = await rs.json<Record<string, unknown>>();
  const names = body.meta!.map((m) => m.name);
  const types = body.meta!.map((m) => m.type);
  // 64-bit integers may arrive quoted or not, depending on the engine's JSON settings: compare them as numbers.
  const rows = body.data.map((r) =>
    Object.fromEntries(names.map((n, i) => [n, isNumeric(types[i]) ? Number(r[n]) : r[n]])),
  );
  return { names, types, rows };
}

// Variable values as Grafana would hold them: options from the variable's own query.
async function variables(d: Dashboard, selection: Record<string, string[] | '$__all'>): Promise<TemplateVariable[]> {
  const vars: TemplateVariable[] = [];
  for (const v of d.templating.list) {
    const res = await run(v.query.rawSql, vars);
    const options = res.rows.map((r) => String(r[res.names[0]]));
    vars.push({ name: v.name, current: selection[v.name] ?? '$__all', options });
  }
  return vars;
}

const ALL = { provider: '$__all', prefix: '$__all' } as const;
const MICROSOFT_ONE_PREFIX = { provider: ['microsoft'], prefix: ['198.51.100.0/24'] };
const isNumeric = (type: string) => /^(Nullable\()?(U?Int|Float|Decimal)/.test(type);
const isTime = (type: string) => /^(Nullable\()?DateTime/.test(type);
const panel = (d: Dashboard, title: string) => {
  const p = d.panels.find((x) => x.title === title);
  if (!p) throw new Error(`${d.title} has no panel "${title}"`);
  return p;
};
const annotation = (d: Dashboard, name: string) => d.annotations.list.find((a) => a.name === name)!.target!;

// --- every query of both dashboards, in two variable selections -----------------------------------------------------
for (const d of [incidents, overview]) {
  for (const [label, selection] of [
    ['All', ALL],
    ['microsoft + 198.51.100.0/24', MICROSOFT_ONE_PREFIX],
  ] as const) {
    test(`${d.title}: every panel query runs and has the right shape (${label})`, async (t) => {
      const vars = await variables(d, selection);
      for (const p of d.panels) {
        for (const target of p.targets) {
          const res = await run(target.rawSql, vars);
          const where = `${d.title} / ${p.title} (${label})`;
          t.true(res.names.length >= 1, `${where}: no columns`);
          // Older plugin versions map columns by type name and do not unwrap aggregate-function types.
          for (const [i, type] of res.types.entries())
            t.notRegex(type, /AggregateFunction/, `${where}: column ${res.names[i]} is ${type}`);
          if (target.format === 0) {
            t.is(res.names[0], 'time', `${where}: a time series must return time first`);
            t.true(isTime(res.types[0]), `${where}: time is ${res.types[0]}`);
            t.true(res.types.slice(1).some(isNumeric), `${where}: no numeric value column`);
            t.true(res.rows.length > 0, `${where}: no rows, although the seed has data in the range`);
            const times = res.rows.map((r) => String(r.time));
            t.deepEqual(times, [...times].sort(), `${where}: rows must be ordered by time`);
          } else {
            t.true(res.rows.length > 0, `${where}: no rows, although the seed has data in the range`);
          }
        }
      }
    });
  }

  test(`${d.title}: every variable query returns its values in the first column`, async (t) => {
    const vars = await variables(d, ALL);
    for (const v of vars) t.true((v.options ?? []).length > 0, `${d.title}: variable ${v.name} has no values`);
  });

  test(`${d.title}: every annotation query returns time, text and tags`, async (t) => {
    const vars = await variables(d, ALL);
    const queries = d.annotations.list.filter((x) => !x.builtIn);
    if (queries.length === 0) return t.pass(`${d.title} has only the built-in annotations`);
    for (const a of queries) {
      const res = await run(a.target!.rawSql, vars);
      t.deepEqual(res.names, ['time', 'text', 'tags'], `${d.title} / ${a.name}`);
      t.true(isTime(res.types[0]), `${d.title} / ${a.name}: time is ${res.types[0]}`);
    }
  });
}

// --- the numbers behind the block-list dashboard ------------------------------------------------------------------
test('variables list the providers and prefixes that had block-list rejections', async (t) => {
  const vars = await variables(incidents, { provider: ['microsoft'] });
  t.deepEqual(vars[0].options, ['google', 'microsoft']);
  t.deepEqual(vars[1].options, ['192.0.2.0/24', '198.51.100.0/24'], 'prefix follows the provider selection');
});

test('active listings: open episodes at the end of the range, filtered by provider and prefix', async (t) => {
  const sql = panel(incidents, 'Active listings').targets[0].rawSql;
  const all = await run(sql, await variables(incidents, ALL));
  t.deepEqual(all.names, ['ip', 'prefix', 'provider', 'first_seen', 'last_seen', 'rejections', 'codes']);
  t.deepEqual(all.rows.map((r) => r.ip).sort(), [
    '192.0.2.10',
    '192.0.2.11',
    '192.0.2.12',
    '192.0.2.13',
    '198.51.100.7',
    '203.0.113.5',
  ]);
  const one = await run(sql, await variables(incidents, MICROSOFT_ONE_PREFIX));
  t.is(one.rows.length, 1);
  t.like(one.rows[0], {
    ip: '198.51.100.7',
    prefix: '198.51.100.0/24',
    provider: 'microsoft',
    rejections: 30,
    codes: 'S3150',
    first_seen: at(30 * HOUR),
    last_seen: at(1 * HOUR),
  });
  const now = await run(
    panel(incidents, 'IPs listed now').targets[0].rawSql,
    await variables(incidents, { provider: ['microsoft'] }),
  );
  t.is(now.rows[0].listed_now, 5);
});

test('rejections by provider add up to the seeded block-list rejections', async (t) => {
  const res = await run(
    panel(incidents, 'Block-list rejections by provider').targets[0].rawSql,
    await variables(incidents, ALL),
  );
  const sum = (p: string) => res.rows.filter((r) => r.provider === p).reduce((s, r) => s + Number(r.rejections), 0);
  t.is(sum('microsoft'), MS_ALL);
  t.is(sum('google'), 6);
});

test('annotations mark where listings start and where they end', async (t) => {
  const vars = await variables(incidents, ALL);
  const started = await run(annotation(incidents, 'Listing started').rawSql, vars);
  t.is(started.rows.length, 7);
  const ended = await run(annotation(incidents, 'Listing ended').rawSql, vars);
  t.is(ended.rows.length, 1);
  t.is(ended.rows[0].time, at(6 * 24 * HOUR - 7 * 3 * HOUR));
  t.regex(String(ended.rows[0].text), /^198\.51\.100\.8 no longer rejected by microsoft/);
});

test('accounts before listing lead to the compromised account', async (t) => {
  const res = await run(panel(incidents, 'Accounts before listing').targets[0].rawSql, await variables(incidents, ALL));
  t.true(res.rows.length >= 1);
  t.like(res.rows[0], {
    listed_ip: '198.51.100.7',
    provider: 'microsoft',
    account: 'compromised@example.net',
    events_24h_before: 5,
  });
  t.true(res.rows.some((r) => r.account === 'bob@example.net'));
  t.false(
    res.rows.some((r) => r.listed_ip === '198.51.100.8'),
    'the listing that started before nothing has no accounts',
  );
});

test('fleet spread stays between 0 and 1 and sees the listed IPs', async (t) => {
  const res = await run(panel(incidents, 'Fleet spread').targets[0].rawSql, await variables(incidents, ALL));
  t.deepEqual(res.names, ['time', 'listed_ips', 'active_ips', 'listed_share']);
  for (const r of res.rows) t.true(Number(r.listed_share) >= 0 && Number(r.listed_share) <= 1);
  t.true(
    res.rows.some((r) => Number(r.listed_ips) >= 3),
    'the last hour has at least three newly listed IPs',
  );
});

test('prefix heat map has one series per prefix', async (t) => {
  const res = await run(panel(incidents, 'Prefix heat map').targets[0].rawSql, await variables(incidents, ALL));
  t.deepEqual([...new Set(res.rows.map((r) => r.prefix))].sort(), [
    '192.0.2.0/24',
    '198.51.100.0/24',
    '203.0.113.0/24',
  ]);
});

// --- the numbers behind the overview --------------------------------------------------------------------------------
test('overview: totals, failures against deferrals, block-listed share', async (t) => {
  const vars = await variables(overview, ALL);
  const stat = await run(panel(overview, 'Bounces').targets[0].rawSql, vars);
  t.deepEqual(stat.rows[0], { bounces: total, failed: failedCount, deferred: delayedCount });
  const series = await run(panel(overview, 'Deferrals against failures').targets[0].rawSql, vars);
  t.is(
    series.rows.reduce((s, r) => s + Number(r.deferred), 0),
    delayedCount,
  );
  const share = await run(panel(overview, 'Block-listed share').targets[0].rawSql, vars);
  t.is(Number(share.rows[0].blocklist_share).toFixed(6), (blocklistCount / total).toFixed(6));
});

test('overview: top remote MTAs and codes', async (t) => {
  const vars = await variables(overview, ALL);
  const mtas = await run(panel(overview, 'Top remote MTAs').targets[0].rawSql, vars);
  t.like(mtas.rows[0], {
    remote_mta: 'outlook-com.olc.protection.outlook.com',
    provider: 'microsoft',
    bounces: MS_ALL,
  });
  const codes = await run(panel(overview, 'Top codes').targets[0].rawSql, vars);
  t.like(codes.rows[0], { provider: 'microsoft', code: 'S3150', category: 'ip_blocklist', bounces: MS_S3150 });
  const byReason = await run(panel(overview, 'Bounces by reason').targets[0].rawSql, vars);
  t.deepEqual([...new Set(byReason.rows.map((r) => r.reason))].sort(), [
    'blocked',
    'mailboxfull',
    'ratelimited',
    'userunknown',
  ]);
});

// --- the alert rule -------------------------------------------------------------------------------------------------
test('alert: a Microsoft listing episode that began in the last hour with at least N rejections fires; old or small ones do not', async (t) => {
  const a = alertRule.data.find((q: { refId: string }) => q.refId === 'A');
  t.is(a.datasourceUid, 'bounce-clickhouse');
  // One hour back: where a new listing's first rejection must lie.
  t.deepEqual(a.relativeTimeRange, { from: 60 * 60, to: 0 });
  // Alert queries run in the backend only: macros, no template variables; the range is relativeTimeRange.
  const window: QueryTime = {
    from: new Date(T - a.relativeTimeRange.from * 1000),
    to: new Date(T - a.relativeTimeRange.to * 1000),
    intervalMs: a.model.intervalMs,
  };
  const res = await run(a.model.rawSql, [], window);
  t.is(
    res.types.filter(isNumeric).length,
    1,
    'numeric alert data needs exactly one numeric column; the others become labels',
  );
  t.deepEqual(res.names, ['ip', 'prefix', 'rejections']);
  const counts: Record<string, number> = Object.fromEntries(res.rows.map((r) => [String(r.ip), Number(r.rejections)]));
  t.deepEqual(counts, { '192.0.2.10': 12, '192.0.2.11': 14, '192.0.2.12': 4 });

  // B = $A, C = $B >= N: the documented constant N lives in C's expression.
  const b = alertRule.data.find((q: { refId: string }) => q.refId === 'B');
  const c = alertRule.data.find((q: { refId: string }) => q.refId === alertRule.condition);
  t.is(b.model.expression, '$A');
  const n = Number(/^\$B >= (\d+)$/.exec(c.model.expression)?.[1]);
  t.is(n, 10);
  const firing = Object.entries(counts)
    .filter(([, v]) => v >= n)
    .map(([ip]) => ip);
  t.deepEqual(firing.sort(), ['192.0.2.10', '192.0.2.11']);
});

test('alert rule file: the shape Grafana provisioning expects', (t) => {
  t.is(alerting.apiVersion, 1);
  const g = alerting.groups[0];
  t.truthy(g.name && g.folder && g.interval);
  t.is(alertRule.condition, 'C');
  t.is(alertRule.dashboardUid, incidents.uid);
  t.true(incidents.panels.some((p) => p.id === alertRule.panelId));
  for (const q of alertRule.data) {
    t.is(q.model.refId, q.refId);
    t.truthy(q.relativeTimeRange);
  }
  t.is(alertRule.noDataState, 'OK');
  // labels are interpolated from the environment by provisioning: no `$` may appear in them
  for (const v of Object.values(alertRule.labels as Record<string, string>)) t.false(v.includes('$'));
});

// --- Grafana's read-only user can read everything the dashboards read ------------------------------------------------
test('every table the dashboards and the alert read is in the bounces database the Grafana user may SELECT', async (t) => {
  const sqls = [
    ...[incidents, overview].flatMap((d) => [
      ...d.panels.flatMap((p) => p.targets.map((x) => x.rawSql)),
      ...d.templating.list.map((v) => v.query.rawSql),
      ...d.annotations.list.filter((a) => a.target).map((a) => a.target!.rawSql),
    ]),
    alertRule.data[0].model.rawSql,
  ];
  const tables = new Set(sqls.flatMap((s) => [...s.matchAll(/\b(?:FROM|JOIN)\s+([A-Za-z_][\w.]*)/g)].map((m) => m[1])));
  tables.delete('starts');
  const res = await store.client.query({
    query: `SELECT name FROM system.tables WHERE database = currentDatabase()`,
    format: 'JSONEachRow',
  });
  const existing = new Set((await res.json<{ name: string }>()).map((r) => r.name));
  for (const name of tables) {
    t.false(
      name.includes('.'),
      `${name}: dashboards must not name another database (the Grafana user may read only bounces)`,
    );
    t.true(existing.has(name), `${name} is not a table or view of the migrated schema`);
  }
  t.is(store.database, 'bounces');
  // the users.d grants are valid ClickHouse GRANT statements (the XML form omits the grantee)
  const xml = fs.readFileSync(path.join(root, 'docker/clickhouse/users.d/bounce-users.xml'), 'utf8');
  for (const m of xml.matchAll(/<query>([^<]+)<\/query>/g)) {
    const q = await store.client.query({
      query: `SELECT formatQuery({q:String}) AS f`,
      query_params: { q: `${m[1]} TO someone` },
      format: 'JSONEachRow',
    });
    t.truthy((await q.json<{ f: string }>())[0].f, m[1]);
  }
});

test('the production ingest user may read every column of bounce_events its insert path reads (the dedup lookup)', async (t) => {
  const xml = fs.readFileSync(path.join(root, 'docker/clickhouse/users.d/bounce-users.xml'), 'utf8');
  const ingest = /<bounce_ingest>([\s\S]*?)<\/bounce_ingest>/.exec(xml)?.[1] ?? '';
  const grant = /<query>GRANT SELECT\(([^)]*)\) ON bounces\.bounce_events<\/query>/.exec(ingest)?.[1];
  t.truthy(grant, 'bounce_ingest needs a column grant on bounces.bounce_events');
  const granted = new Set((grant ?? '').split(',').map((c) => c.trim()));
  // The engine's own reading of the query: every column it resolves from bounce_events.
  const rs = await store.client.query({
    query: `EXPLAIN QUERY TREE ${STORED_EVENT_IDS_SQL}`,
    query_params: {
      lo: '2018-02-12 00:00:00',
      hi: '2018-02-13 00:00:00',
      providers: ['microsoft'],
      categories: ['ip_blocklist'],
      ids: ['x'],
    },
    format: 'TabSeparatedRaw',
  });
  const tree = await rs.text();
  const read = new Set([...tree.matchAll(/COLUMN id: \d+, column_name: (\w+),/g)].map((m) => m[1]));
  t.true(read.size >= 4, tree);
  t.deepEqual(
    [...read].filter((c) => !granted.has(c)),
    [],
    `columns read but not granted; the query tree:\n${tree}`,
  );
  t.false(
    granted.has('recipient') || granted.has('diagnostic') || granted.has('sender'),
    'the ingest user must not read personal data',
  );
});

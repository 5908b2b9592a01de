// Every named query against a hand-built set of events with known incidents: exact rows, replays never double them,
// hostile parameter values are harmless.
import test from 'ava';
import { freshStore, type TestStore } from '../helpers/store.ts';
import { makeEvent } from '../helpers/events.ts';
import { insertEvents } from '../../queries/events.ts';
import { listNamed, runNamed, NamedQueryError } from '../../queries/named.ts';
import type { BounceEvent } from '../../transform/bounce-event.ts';

const A = '198.51.100.7'; // listed by Microsoft twice (two episodes); accounts sent from it before
const B = '198.51.100.8'; // same /24, listed by Microsoft once
const C = '203.0.113.5'; // a Google reputation block, and a GMX unknown recipient
const D = '2001:db8:1::25'; // Yahoo rate limiting only: active, never listed

const ms = (ip: string, at: string, o: Partial<BounceEvent> = {}) =>
  makeEvent({
    sending_ip: ip,
    sending_prefix: ip === A || ip === B ? '198.51.100.0/24' : '',
    listed_ip: ip,
    bounced_at: at,
    ...o,
  });
const other = (ip: string, prefix: string, at: string, o: Partial<BounceEvent>) =>
  makeEvent({
    sending_ip: ip,
    sending_prefix: prefix,
    listed_ip: null,
    bounced_at: at,
    remote_mta: 'mx.example',
    diagnostic: 'x',
    ...o,
  });
const spam = {
  provider: 'google',
  reason: 'spamdetected',
  category: 'content_spam',
  ms_code: '',
  status: '5.7.1',
} as const;

const EVENTS: BounceEvent[] = [
  ms(A, '2026-03-02 10:00:00', { account: 'alice@cust.example' }),
  ms(A, '2026-03-02 10:30:00', { account: 'alice@cust.example' }),
  ms(A, '2026-03-02 11:30:00', { account: 'alice@cust.example' }),
  ms(A, '2026-03-04 12:00:00', { account: 'alice@cust.example', ms_code: 'S3140' }), // > 24 h later: a new episode
  ms(B, '2026-03-03 08:00:00', { account: 'carol@cust.example' }),
  ms(B, '2026-03-03 20:00:00', { account: 'carol@cust.example' }), // 12 h later: the same episode
  other(C, '203.0.113.0/24', '2026-03-03 09:00:00', {
    provider: 'google',
    reason: 'badreputation',
    category: 'ip_reputation',
    ms_code: '',
    status: '5.7.1',
    account: 'dave@cust.example',
  }),
  other(D, '2001:db8:1::/64', '2026-03-02 15:00:00', {
    provider: 'yahoo',
    reason: 'ratelimited',
    category: 'rate_limit',
    ms_code: '',
    status: '4.7.0',
    reply_code: 421,
    action: 'delayed',
    account: 'erin@cust.example',
  }),
  other(C, '203.0.113.0/24', '2026-03-02 09:00:00', {
    provider: 'gmx',
    reason: 'userunknown',
    category: 'recipient_unknown',
    ms_code: '',
    status: '5.1.1',
    account: 'dave@cust.example',
  }),
  other(A, '198.51.100.0/24', '2026-03-02 02:00:00', { ...spam, account: 'spammer@cust.example' }),
  other(A, '198.51.100.0/24', '2026-03-02 05:00:00', { ...spam, account: 'spammer@cust.example' }),
  other(A, '198.51.100.0/24', '2026-03-02 09:00:00', { ...spam, account: 'spammer@cust.example' }),
  other(A, '198.51.100.0/24', '2026-03-01 11:00:00', { ...spam, account: 'bob@cust.example' }), // 23 h before the listing
  other(A, '198.51.100.0/24', '2026-03-01 09:00:00', { ...spam, account: 'old@cust.example' }), // 25 h before: outside
];

const WINDOW = { since: '2026-03-01 00:00:00', until: '2026-03-06 00:00:00' };

let store: TestStore;
test.before(async () => {
  store = await freshStore();
  await insertEvents(store, EVENTS, 'scenario:1');
});
test.after.always(async () => {
  await store?.close();
});

const episode = (
  ip: string,
  prefix: string,
  first: string,
  last: string,
  rejections: number,
  codes: string[],
  o: Record<string, unknown> = {},
) => ({
  provider: 'microsoft',
  sending_ip: ip,
  sending_prefix: prefix,
  category: 'ip_blocklist',
  first_seen: first,
  last_seen: last,
  rejections,
  codes,
  ...o,
});
const A1 = episode(A, '198.51.100.0/24', '2026-03-02 10:00:00', '2026-03-02 11:30:00', 3, ['S3150']);
const A2 = episode(A, '198.51.100.0/24', '2026-03-04 12:00:00', '2026-03-04 12:00:00', 1, ['S3140']);
const B1 = episode(B, '198.51.100.0/24', '2026-03-03 08:00:00', '2026-03-03 20:00:00', 2, ['S3150']);

/** Every named query with the parameters and the exact rows it must return. */
const EXPECTED: { name: string; params: Record<string, string | number>; rows: Record<string, unknown>[] }[] = [
  { name: 'active-listings', params: { now: '2026-03-04 13:00:00' }, rows: [A2, B1] },
  { name: 'active-listings', params: { now: '2026-03-02 12:00:00' }, rows: [A1] },
  { name: 'active-listings', params: { now: '2026-03-02 12:00:00', provider: 'google' }, rows: [] },
  {
    name: 'active-listings',
    params: { now: '2026-03-03 12:00:00', category: 'ip_reputation' },
    rows: [
      episode(C, '203.0.113.0/24', '2026-03-03 09:00:00', '2026-03-03 09:00:00', 1, ['5.7.1'], {
        provider: 'google',
        category: 'ip_reputation',
      }),
    ],
  },
  {
    name: 'listings-timeline',
    params: { ...WINDOW },
    rows: [
      { bucket_start: '2026-03-02 00:00:00', provider: 'microsoft', listed_ips: 1, rejections: 3 },
      { bucket_start: '2026-03-03 00:00:00', provider: 'microsoft', listed_ips: 1, rejections: 2 },
      { bucket_start: '2026-03-04 00:00:00', provider: 'microsoft', listed_ips: 1, rejections: 1 },
    ],
  },
  {
    name: 'listings-timeline',
    params: { ...WINDOW, bucket: 'hour', until: '2026-03-03 12:00:00' },
    rows: [
      { bucket_start: '2026-03-02 10:00:00', provider: 'microsoft', listed_ips: 1, rejections: 2 },
      { bucket_start: '2026-03-02 11:00:00', provider: 'microsoft', listed_ips: 1, rejections: 1 },
      { bucket_start: '2026-03-03 08:00:00', provider: 'microsoft', listed_ips: 1, rejections: 1 },
    ],
  },
  {
    name: 'fleet-spread',
    params: { ...WINDOW },
    rows: [
      { day: '2026-03-01', active_ips: 1, listed_ips: 0, listed_share: 0 },
      { day: '2026-03-02', active_ips: 3, listed_ips: 1, listed_share: 0.3333 },
      { day: '2026-03-03', active_ips: 2, listed_ips: 1, listed_share: 0.5 },
      { day: '2026-03-04', active_ips: 1, listed_ips: 1, listed_share: 1 },
    ],
  },
  {
    name: 'prefix-heat',
    params: { ...WINDOW },
    rows: [
      { sending_prefix: '198.51.100.0/24', listed_ips: 2, active_ips: 2, rejections: 6, providers: ['microsoft'] },
    ],
  },
  {
    name: 'prefix-heat',
    params: { ...WINDOW, category: 'ip_reputation' },
    rows: [{ sending_prefix: '203.0.113.0/24', listed_ips: 1, active_ips: 1, rejections: 1, providers: ['google'] }],
  },
  {
    name: 'new-listings',
    params: { since: '2026-03-01 00:00:00', until: '2026-03-05 00:00:00' },
    rows: [
      { ...A1, still_active: 0 },
      { ...B1, still_active: 0 },
      { ...A2, still_active: 1 },
    ],
  },
  {
    name: 'new-listings',
    params: { since: '2026-03-03 00:00:00', until: '2026-03-04 00:00:00' },
    rows: [{ ...B1, still_active: 1 }],
  },
  {
    name: 'ended-listings',
    params: { since: '2026-03-01 00:00:00', until: '2026-03-05 00:00:00' },
    rows: [
      { ...A1, duration_hours: 1.5 },
      { ...B1, duration_hours: 12 },
    ].map(
      ({
        provider,
        sending_ip,
        sending_prefix,
        category,
        first_seen,
        last_seen,
        duration_hours,
        rejections,
        codes,
      }) => ({
        provider,
        sending_ip,
        sending_prefix,
        category,
        first_seen,
        last_seen,
        duration_hours,
        rejections,
        codes,
      }),
    ),
  },
  {
    // Before the listing: the rejections at the listing moment itself (alice, carol) are not among the events.
    name: 'accounts-before-listing',
    params: { since: '2026-03-01 00:00:00', until: '2026-03-05 00:00:00' },
    rows: [
      {
        provider: 'microsoft',
        sending_ip: A,
        listed_at: '2026-03-02 10:00:00',
        account: 'spammer@cust.example',
        events: 3,
        recipients: 3,
        first_event: '2026-03-02 02:00:00',
        last_event: '2026-03-02 09:00:00',
      },
      {
        provider: 'microsoft',
        sending_ip: A,
        listed_at: '2026-03-02 10:00:00',
        account: 'bob@cust.example',
        events: 1,
        recipients: 1,
        first_event: '2026-03-01 11:00:00',
        last_event: '2026-03-01 11:00:00',
      },
    ],
  },
  {
    name: 'accounts-before-listing',
    params: { since: '2026-03-02 00:00:00', until: '2026-03-03 00:00:00', top: 1 },
    rows: [
      {
        provider: 'microsoft',
        sending_ip: A,
        listed_at: '2026-03-02 10:00:00',
        account: 'spammer@cust.example',
        events: 3,
        recipients: 3,
        first_event: '2026-03-02 02:00:00',
        last_event: '2026-03-02 09:00:00',
      },
    ],
  },
  {
    name: 'provider-breakdown',
    params: { ...WINDOW },
    rows: [
      {
        provider: 'gmx',
        category: 'recipient_unknown',
        reason: 'userunknown',
        events: 1,
        failed: 1,
        delayed: 0,
        share_of_provider: 1,
      },
      {
        provider: 'google',
        category: 'content_spam',
        reason: 'spamdetected',
        events: 5,
        failed: 5,
        delayed: 0,
        share_of_provider: 0.8333,
      },
      {
        provider: 'google',
        category: 'ip_reputation',
        reason: 'badreputation',
        events: 1,
        failed: 1,
        delayed: 0,
        share_of_provider: 0.1667,
      },
      {
        provider: 'microsoft',
        category: 'ip_blocklist',
        reason: 'blocked',
        events: 6,
        failed: 6,
        delayed: 0,
        share_of_provider: 1,
      },
      {
        provider: 'yahoo',
        category: 'rate_limit',
        reason: 'ratelimited',
        events: 1,
        failed: 0,
        delayed: 1,
        share_of_provider: 1,
      },
    ],
  },
  {
    name: 'top-codes',
    params: { ...WINDOW },
    rows: [
      { provider: 'google', ms_code: '', status: '5.7.1', category: 'content_spam', events: 5, sending_ips: 1 },
      { provider: 'microsoft', ms_code: 'S3150', status: '5.7.1', category: 'ip_blocklist', events: 5, sending_ips: 2 },
      { provider: 'gmx', ms_code: '', status: '5.1.1', category: 'recipient_unknown', events: 1, sending_ips: 1 },
      { provider: 'google', ms_code: '', status: '5.7.1', category: 'ip_reputation', events: 1, sending_ips: 1 },
      { provider: 'microsoft', ms_code: 'S3140', status: '5.7.1', category: 'ip_blocklist', events: 1, sending_ips: 1 },
      { provider: 'yahoo', ms_code: '', status: '4.7.0', category: 'rate_limit', events: 1, sending_ips: 1 },
    ],
  },
  {
    name: 'top-codes',
    params: { ...WINDOW, provider: 'microsoft', limit: 1 },
    rows: [
      { provider: 'microsoft', ms_code: 'S3150', status: '5.7.1', category: 'ip_blocklist', events: 5, sending_ips: 2 },
    ],
  },
  {
    name: 'ip-episodes',
    params: { ip: A },
    rows: [
      { ...A2, episode: 2, still_active: 0 },
      { ...A1, episode: 1, still_active: 0 },
    ].map(
      ({
        provider,
        category,
        sending_ip,
        sending_prefix,
        episode,
        first_seen,
        last_seen,
        rejections,
        codes,
        still_active,
      }) => ({
        provider,
        category,
        sending_ip,
        sending_prefix,
        episode,
        first_seen,
        last_seen,
        rejections,
        codes,
        still_active,
      }),
    ),
  },
];

const runAll = async () => {
  const out: Record<string, unknown>[][] = [];
  for (const e of EXPECTED) out.push(await runNamed(store, e.name, e.params));
  return out;
};

test.serial('every named query returns exactly the expected rows, columns in the declared order', async (t) => {
  const covered = new Set(EXPECTED.map((e) => e.name));
  t.deepEqual(
    listNamed()
      .map((q) => q.name)
      .filter((n) => !covered.has(n)),
    [],
    'every named query has an expectation',
  );
  for (const e of EXPECTED) {
    const rows = await runNamed(store, e.name, e.params);
    t.deepEqual(rows, e.rows, `${e.name} ${JSON.stringify(e.params)}`);
    const columns = listNamed().find((q) => q.name === e.name)!.columns;
    for (const r of rows) t.deepEqual(Object.keys(r), columns, `${e.name} columns`);
  }
});

test.serial('a retried insert (same token) and a late replay (new token) double no named-query count', async (t) => {
  const before = await runAll();
  await insertEvents(store, EVENTS, 'scenario:1');
  const count = async (q: string) =>
    Number((await (await store.client.query({ query: q, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
  t.is(await count('SELECT count() AS n FROM bounce_events'), EVENTS.length, 'same token: dropped by the dedup window');
  t.is(
    await count('SELECT sum(bounces) AS n FROM bounce_hourly'),
    EVENTS.length,
    'same token: the rollup did not double',
  );
  t.deepEqual(await runAll(), before);

  await insertEvents(store, EVENTS, 'scenario:replayed-much-later');
  t.is(
    await count('SELECT count() AS n FROM bounce_events'),
    EVENTS.length,
    'new token: ids already stored are dropped before the insert',
  );
  t.is(await count('SELECT sum(n_events) AS n FROM code_hourly'), EVENTS.length, 'the rollup counters did not double');
  t.deepEqual(await runAll(), before);

  // A replay mixed with new events: only the new ones get in, each once even when the batch repeats it.
  const extra = makeEvent({
    event_id: 'replay-extra-1',
    provider: 'yahoo',
    category: 'rate_limit',
    reason: 'ratelimited',
    action: 'delayed',
    status: '4.7.0',
    ms_code: '',
    bounced_at: '2026-03-04 15:00:00',
  });
  await insertEvents(store, [...EVENTS.slice(0, 3), extra, extra], 'scenario:mixed');
  t.is(await count('SELECT count() AS n FROM bounce_events'), EVENTS.length + 1);
  t.is(await count('SELECT sum(n_events) AS n FROM code_hourly'), EVENTS.length + 1);
  t.is(await count("SELECT sum(n_delayed) AS n FROM code_hourly WHERE provider = 'yahoo'"), 2);
});

test.serial('hostile parameter values are harmless: bound as values or refused by validation', async (t) => {
  const evil = "'); DROP TABLE bounce_events; --";
  t.deepEqual(await runNamed(store, 'active-listings', { now: '2026-03-04 13:00:00', provider: evil }), []);
  t.deepEqual(await runNamed(store, 'top-codes', { ...WINDOW, provider: "microsoft' OR '1'='1" }), []);
  await t.throwsAsync(runNamed(store, 'active-listings', { category: evil }), {
    instanceOf: NamedQueryError,
    message: /one of: ip_blocklist, ip_reputation/,
  });
  await t.throwsAsync(runNamed(store, 'top-codes', { limit: '1; DROP TABLE bounce_events' }), {
    instanceOf: NamedQueryError,
  });
  await t.throwsAsync(runNamed(store, 'active-listings', { now: `2026-03-04${evil}` }), {
    instanceOf: NamedQueryError,
  });
  await t.throwsAsync(runNamed(store, 'ip-episodes', { ip: evil }), {
    instanceOf: NamedQueryError,
    message: /not an IP/,
  });
  await t.throwsAsync(runNamed(store, `active-listings${evil}`, {}), {
    instanceOf: NamedQueryError,
    message: /unknown query.*available: accounts-before-listing/,
  });
  await t.throwsAsync(runNamed(store, 'active-listings', { [evil]: 'x' }), {
    instanceOf: NamedQueryError,
    message: /unknown parameter/,
  });
  const tables = await (
    await store.client.query({
      query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'bounce_events'",
      format: 'JSONEachRow',
    })
  ).json();
  t.is(tables.length, 1, 'bounce_events is still there');
  t.deepEqual(await runNamed(store, EXPECTED[0].name, EXPECTED[0].params), EXPECTED[0].rows);
});

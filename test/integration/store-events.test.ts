// insertEvents against the real embedded engine: stored shapes, error kinds; and the one-process-per-data-dir lock.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, ClickHouseLogLevel } from '@clickhouse/client';
import { freshStore, type TestStore } from '../helpers/store.ts';
import { makeEvent } from '../helpers/events.ts';
import { insertEvents, isRetriableStoreError } from '../../queries/events.ts';
import { createSink } from '../../ingest/sink.ts';
import { ENGINE_STATUS_FILE, openStore, type Store } from '../../queries/client.ts';
import { testConfig } from '../../cli/config.ts';
import { BouncePipelineError, StoreWriteError } from '../../shared/errors.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const child = path.join(repoRoot, 'test/helpers/open-store-child.ts');

let store: TestStore;
test.before(async () => {
  store = await freshStore();
});
test.after.always(async () => {
  await store?.close();
});

const rows = async <T>(query: string) => (await store.client.query({ query, format: 'JSONEachRow' })).json<T>();

const openInChild = (dir: string) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, dir], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as { opened: boolean; name?: string; message?: string };
  } catch {
    throw new Error(`child printed no result: stdout=${r.stdout} stderr=${r.stderr}`);
  }
};

test.serial('events are stored with IPv4 mapped into IPv6, unknown IP as ::, times parsed as UTC', async (t) => {
  const a = makeEvent({ event_id: 'ev-a', received_at: '2026-03-02T10:00:01.234Z', bounced_at: '2026-03-02 09:59:00' });
  const b = makeEvent({ event_id: 'ev-b', sending_ip: '', sending_prefix: '', listed_ip: null });
  const c = makeEvent({ event_id: 'ev-c', sending_ip: '2001:db8::25', sending_prefix: '2001:db8::/64', listed_ip: '' });
  await insertEvents(store, [a, b, c], 'shape:1');
  const got = await rows<Record<string, unknown>>(
    "SELECT event_id, toString(sending_ip) AS ip, toString(listed_ip) AS listed, toString(received_at) AS received, toString(bounced_at) AS bounced FROM bounce_events WHERE event_id LIKE 'ev-%' ORDER BY event_id",
  );
  t.deepEqual(got, [
    {
      event_id: 'ev-a',
      ip: '::ffff:198.51.100.7',
      listed: '::ffff:198.51.100.7',
      received: '2026-03-02 10:00:01.234',
      bounced: '2026-03-02 09:59:00',
    },
    { event_id: 'ev-b', ip: '::', listed: null, received: '2026-03-02 10:00:00.000', bounced: '2026-03-02 10:00:00' },
    {
      event_id: 'ev-c',
      ip: '2001:db8::25',
      listed: null,
      received: '2026-03-02 10:00:00.000',
      bounced: '2026-03-02 10:00:00',
    },
  ]);
  const hourly = await rows<{ n: number }>('SELECT toUInt32(uniqMerge(events)) AS n FROM bounce_hourly');
  t.is(hourly[0].n, 3);
});

test.serial("Microsoft's rule number lands in ms_rule next to ms_code", async (t) => {
  const e = makeEvent({ event_id: 'ev-rule', status: '5.7.606', ms_code: '5.7.606', ms_rule: 'AS1430' });
  await insertEvents(store, [e, makeEvent({ event_id: 'ev-norule' })], 'rule:1');
  const got = await rows<{ event_id: string; ms_code: string; ms_rule: string }>(
    "SELECT event_id, ms_code, ms_rule FROM bounce_events WHERE event_id IN ('ev-rule', 'ev-norule') ORDER BY event_id",
  );
  t.deepEqual(got, [
    { event_id: 'ev-norule', ms_code: 'S3150', ms_rule: '' },
    { event_id: 'ev-rule', ms_code: '5.7.606', ms_rule: 'AS1430' },
  ]);
  const viaView = await rows<{ ms_rule: string }>("SELECT ms_rule FROM v_events WHERE event_id = 'ev-rule'");
  t.deepEqual(viaView, [{ ms_rule: 'AS1430' }], 'v_events (SELECT *, created before 0011) shows the new column');
});

// The engine's state after a kill between writing a part's dedup token and putting the part in place: the token is
// known, the rows are not there. A lightweight delete leaves exactly that (the dedup log keeps the token).
// The rollups and events_by_ip keep no event id: each test's events are the only ones of their ms_code and account.
const refillCounts = async (prefix: string) => {
  const n = async (query: string) => {
    const rs = await store.client.query({ query, query_params: { prefix }, format: 'JSONEachRow' });
    return Number((await rs.json<{ n: string }>())[0].n);
  };
  return {
    raw: await n("SELECT count() AS n FROM bounce_events WHERE ms_code = concat('refill-', {prefix:String})"),
    hourly: await n("SELECT sum(bounces) AS n FROM bounce_hourly WHERE ms_code = concat('refill-', {prefix:String})"),
    codes: await n("SELECT sum(n_events) AS n FROM code_hourly WHERE ms_code = concat('refill-', {prefix:String})"),
    byIp: await n("SELECT count() AS n FROM events_by_ip WHERE account = concat({prefix:String}, '-account')"),
  };
};
const refillEvents = (prefix: string, offset: number) =>
  [1, 2, 3].map((i) =>
    makeEvent({
      event_id: `${prefix}-${i}`,
      kafka_partition: 2,
      kafka_offset: offset + i,
      bounced_at: `202${3 + i}-05-01 10:00:00`,
      ms_code: `refill-${prefix}`,
      account: `${prefix}-account`,
    }),
  );
const loseRawRows = (prefix: string) =>
  store.client.command({
    query: "DELETE FROM bounce_events WHERE ms_code = concat('refill-', {prefix:String})",
    query_params: { prefix },
    clickhouse_settings: { mutations_sync: '2' },
  });

test.serial(
  'a replay whose token the engine knows but whose rows are gone stores them again, once, in bounce_events alone',
  async (t) => {
    const events = refillEvents('rf', 700);
    await insertEvents(store, events, 'refill:700-702');
    await loseRawRows('rf');
    t.deepEqual(await refillCounts('rf'), { raw: 0, hourly: 3, codes: 3, byIp: 3 });
    // a plain retry under the token is dropped by the engine's dedup: the hole this guards against
    await insertEvents(store, events, 'refill:700-702');
    t.is((await refillCounts('rf')).raw, 0);
    const refilled: number[] = [];
    await insertEvents(store, events, 'refill:700-702', { replay: true, onRefill: (n) => refilled.push(n) });
    // the rollups and events_by_ip had them: the refill must not count them there again (it did: 6 for 3)
    t.deepEqual(await refillCounts('rf'), { raw: 3, hourly: 3, codes: 3, byIp: 3 });
    t.deepEqual(refilled, [3]);
    // replayed again: stored under their own lineage, nothing to refill, nothing doubled
    await insertEvents(store, events, 'refill:700-702', { replay: true, onRefill: (n) => refilled.push(n) });
    t.deepEqual(await refillCounts('rf'), { raw: 3, hourly: 3, codes: 3, byIp: 3 });
    t.deepEqual(refilled, [3]);
    const staging = await rows("SELECT name FROM system.tables WHERE name = 'bounce_events_refill'");
    t.deepEqual(staging, [], 'the staging table is gone');
  },
);

test.serial(
  'the kill as it happens: the views had not run, the raw token was logged without its rows; the replay fills each table once',
  async (t) => {
    // The views run after the raw part is written; a kill while bounce_events commits its parts leaves the rollups
    // without the chunk. Modelled: the views detached for the first insert, then the raw rows lost as above.
    const views = ['bounce_hourly_mv', 'listing_hourly_mv', 'code_hourly_mv', 'events_by_ip_mv'];
    const events = refillEvents('rk', 800);
    for (const v of views) await store.client.command({ query: `DETACH TABLE ${v}` });
    try {
      await insertEvents(store, events, 'refill:800-802');
    } finally {
      for (const v of views) await store.client.command({ query: `ATTACH TABLE ${v}` });
    }
    t.deepEqual(await refillCounts('rk'), { raw: 3, hourly: 0, codes: 0, byIp: 0 });
    await loseRawRows('rk');
    t.deepEqual(await refillCounts('rk'), { raw: 0, hourly: 0, codes: 0, byIp: 0 });
    const refilled: number[] = [];
    await insertEvents(store, events, 'refill:800-802', { replay: true, onRefill: (n) => refilled.push(n) });
    t.deepEqual(refilled, [3]);
    t.deepEqual(await refillCounts('rk'), { raw: 3, hourly: 3, codes: 3, byIp: 3 });
  },
);

test.serial('an empty batch is a no-op; a batch needs a token', async (t) => {
  await t.notThrowsAsync(insertEvents(store, [], 'whatever'));
  await t.throwsAsync(insertEvents(store, [makeEvent()], ''), { instanceOf: StoreWriteError, message: /dedup token/ });
});

test.serial(
  'bad data is a non-retriable StoreWriteError that names the problem; nothing of the batch lands',
  async (t) => {
    const before = (await rows<{ n: number }>('SELECT toUInt32(count()) AS n FROM bounce_events'))[0].n;
    const err = await t.throwsAsync(
      insertEvents(store, [makeEvent(), makeEvent({ sending_ip: 'not-an-ip' })], 'bad:1'),
      { instanceOf: StoreWriteError },
    );
    t.false(err.retriable);
    t.is(err.stage, 'store');
    t.regex(err.message, /CANNOT_PARSE_IPV6|sending_ip/);
    const err2 = await t.throwsAsync(insertEvents(store, [makeEvent({ bounced_at: 'last tuesday' })], 'bad:2'), {
      instanceOf: StoreWriteError,
    });
    t.false(err2.retriable);
    t.is((await rows<{ n: number }>('SELECT toUInt32(count()) AS n FROM bounce_events'))[0].n, before);
    // the failed inserts left no token behind: a good batch still lands
    await insertEvents(store, [makeEvent({ event_id: 'ev-after-bad' })], 'good:after-bad');
    t.is(
      (await rows<{ n: number }>("SELECT toUInt32(count()) AS n FROM bounce_events WHERE event_id = 'ev-after-bad'"))[0]
        .n,
      1,
    );
  },
);

test.serial('an unreachable server is a retriable StoreWriteError', async (t) => {
  const client = createClient({
    url: 'http://127.0.0.1:9',
    request_timeout: 2000,
    log: { level: ClickHouseLogLevel.OFF },
  });
  const down: Store = { client, database: 'bounces', kind: 'server', close: () => client.close() };
  try {
    const err = await t.throwsAsync(insertEvents(down, [makeEvent()], 'down:1'), { instanceOf: StoreWriteError });
    t.true(err.retriable);
  } finally {
    await down.close();
  }
  const openErr = await t.throwsAsync(openStore(testConfig({ store: { url: 'http://127.0.0.1:9' } }).store), {
    instanceOf: BouncePipelineError,
  });
  t.regex(openErr.message, /cannot use the ClickHouse server at http:\/\/127\.0\.0\.1:9.*CLICKHOUSE_URL/);
});

test('error kinds: the data or the statement is final (split it), an unavailable or overloaded store is waited for', (t) => {
  t.false(isRetriableStoreError({ code: '27' }));
  t.false(isRetriableStoreError({ code: '53' }));
  t.false(
    isRetriableStoreError({ code: '252', message: 'Too many partitions for single INSERT block (more than 100)' }),
    'a block limit: the data',
  );
  t.false(
    isRetriableStoreError({ code: '9999', message: 'something new' }),
    'an unknown code the server answered with: narrowed down by splitting',
  );
  t.true(isRetriableStoreError({ code: '241' }));
  t.true(
    isRetriableStoreError({
      code: '252',
      message: 'Too many parts (300). Merges are processing significantly slower than inserts',
    }),
    'too many parts: overload',
  );
  t.true(
    isRetriableStoreError({ code: '516' }),
    'a password the store refuses: wait for the operator, never dead-letter the stream',
  );
  t.true(isRetriableStoreError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
  t.true(
    isRetriableStoreError(
      new Error('wrapped', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }),
    ),
    'looks through causes',
  );
  t.false(
    isRetriableStoreError({ code: '27', message: 'Cannot parse input: connection timeout in the text' }),
    'a data error quoting network words is still a data error',
  );
});

test.serial('a second process on the same data dir gets StoreLockedError with our pid and what to do', async (t) => {
  // the engine's own lock names its holder
  t.regex(
    fs.readFileSync(path.join(store.dataDir, ENGINE_STATUS_FILE), 'utf8'),
    new RegExp(`^PID: ${process.pid}$`, 'm'),
  );
  const r = openInChild(store.dataDir);
  t.false(r.opened);
  t.is(r.name, 'StoreLockedError');
  t.is(
    r.message,
    `the data dir ${fs.realpathSync(store.dataDir)} is in use by process ${process.pid}; stop it, or set BOUNCE_DATA_DIR to another folder, or use CLICKHOUSE_URL for a server`,
  );
});

test.serial('a data dir left by a process that died opens (the lock died with it)', async (t) => {
  const dir = fs.mkdtempSync(path.join(path.dirname(store.dataDir), 'bp-stale-'));
  const dead = spawnSync(process.execPath, ['--import', 'tsx', child, dir, '--die'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  t.regex(dead.stdout, /"opened":true/, dead.stderr);
  t.regex(
    fs.readFileSync(path.join(dir, ENGINE_STATUS_FILE), 'utf8'),
    /^PID: \d+$/m,
    'the dead holder left its status file behind',
  );
  const r = openInChild(dir);
  t.true(r.opened, JSON.stringify(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('importing the store module registers no exit handler', async (t) => {
  const probe = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "const before = process.listenerCount('exit'); await import('./queries/client.ts'); console.log(process.listenerCount('exit') - before);",
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  t.is(probe.stdout.trim(), '0', probe.stderr);
});

test.serial(
  'a replay of an insert that reached bounce_events but not a rollup (a kill between the two) completes the rollup, once',
  async (t) => {
    const events = Array.from({ length: 5 }, (_, i) =>
      makeEvent({ event_id: `replay-${i}`, provider: 'yahoo', bounced_at: '2026-04-01 10:00:00' }),
    );
    const rollup = async () =>
      (await rows<{ n: number }>("SELECT toUInt32(sum(n_events)) AS n FROM code_hourly WHERE provider = 'yahoo'"))[0].n;
    // The raw part lands and the view that feeds code_hourly does not: what a SIGKILL between the two leaves.
    await store.client.command({ query: 'DETACH TABLE code_hourly_mv' });
    try {
      await insertEvents(store, events, 'replay:1');
    } finally {
      await store.client.command({ query: 'ATTACH TABLE code_hourly_mv' });
    }
    t.is(await rollup(), 0);
    await insertEvents(store, events, 'replay:1');
    t.is(await rollup(), 0, 'an ordinary write finds every id stored and sends nothing');
    await insertEvents(store, events, 'replay:1', { replay: true });
    t.is(await rollup(), 5, 'the replay sends the batch again under its token: the rollup that missed it takes it');
    await insertEvents(store, events, 'replay:1', { replay: true });
    t.is(await rollup(), 5, 'and a rollup that has it drops it');
    const raw = (
      await rows<{ n: number; ids: number }>(
        "SELECT toUInt32(count()) AS n, toUInt32(uniqExact(event_id)) AS ids FROM bounce_events WHERE provider = 'yahoo'",
      )
    )[0];
    t.deepEqual(raw, { n: 5, ids: 5 }, 'the raw table dropped both replays');
    const hourly = (
      await rows<{ n: number }>("SELECT toUInt32(sum(bounces)) AS n FROM bounce_hourly WHERE provider = 'yahoo'")
    )[0].n;
    t.is(hourly, 5, 'bounce_hourly (fed the first time) counts them once');
    // The same message produced twice: a replayed chunk holding an event another record stored drops it.
    const twin = { ...events[0], kafka_offset: events[0].kafka_offset + 100_000 };
    await insertEvents(
      store,
      [twin, makeEvent({ event_id: 'replay-new', provider: 'yahoo', bounced_at: '2026-04-01 10:00:00' })],
      'replay:2',
      { replay: true },
    );
    t.is(await rollup(), 6, 'only the new event counts');
  },
);

test.serial(
  'a retry after an insert that half-landed (raw part in, a rollup not, then the connection broke) completes the rollup, once',
  async (t) => {
    const events = Array.from({ length: 4 }, (_, i) =>
      makeEvent({ event_id: `retry-${i}`, provider: 'gmx', bounced_at: '2026-06-01 10:00:00', kafka_offset: i }),
    );
    const rollup = async () =>
      (await rows<{ n: number }>("SELECT toUInt32(sum(n_events)) AS n FROM code_hourly WHERE provider = 'gmx'"))[0].n;
    let calls = 0;
    const letters: unknown[] = [];
    const sink = createSink({
      insert: async (batch, token, options) => {
        if (++calls > 1) return insertEvents(store, batch, token, options);
        // The first attempt: the raw part lands, the view feeding code_hourly does not, and the answer never comes.
        await store.client.command({ query: 'DETACH TABLE code_hourly_mv' });
        try {
          await insertEvents(store, batch, token, options);
        } finally {
          await store.client.command({ query: 'ATTACH TABLE code_hourly_mv' });
        }
        throw new StoreWriteError('injected: connection reset after the insert was sent', true);
      },
      deadLetters: { target: 'memory', write: async (l) => void letters.push(...l) },
      retry: { initialDelayMs: 1, maxDelayMs: 2, jitter: 0 },
    });
    const items = events.map((e, i) => ({
      record: { bytes: Buffer.from(`m${i}`), source: `t/0/${i}`, receivedAt: new Date(0), partition: 0, offset: i },
      result: { kind: 'ok' as const, events: [e], mtaKind: 'postfix' },
    }));
    const tally = await sink.write(items, 'retry:1');
    t.is(calls, 2);
    t.is(tally.stored, 4);
    t.deepEqual(letters, []);
    t.is(await rollup(), 4, 'the retry went as a replay: the rollup that missed the batch took it');
    const raw = (
      await rows<{ n: number }>("SELECT toUInt32(count()) AS n FROM bounce_events WHERE provider = 'gmx'")
    )[0].n;
    t.is(raw, 4, 'and the raw table dropped it');
  },
);

test.serial(
  'two batches stored at once (two Kafka partitions) holding the same message: stored once, counted once',
  async (t) => {
    // The consumer works the partitions of a fetch side by side; insertEvents takes one batch at a time, so the second
    // batch's lookup sees the first one's rows. Several rounds, since the order of two concurrent calls is the
    // engine's.
    for (let round = 0; round < 5; round++) {
      const shared = makeEvent({ event_id: `twin-${round}`, provider: 'tonline', bounced_at: '2026-05-01 10:00:00' });
      const batches = [0, 1].map((partition) => [
        { ...shared, kafka_partition: partition, kafka_offset: round },
        makeEvent({
          event_id: `own-${round}-${partition}`,
          provider: 'tonline',
          bounced_at: '2026-05-01 10:00:00',
          kafka_partition: partition,
          kafka_offset: round + 1,
        }),
      ]);
      await Promise.all(batches.map((b, partition) => insertEvents(store, b, `twins:${partition}:${round}`)));
    }
    const counted = (
      await rows<{ n: number }>("SELECT toUInt32(sum(n_events)) AS n FROM code_hourly WHERE provider = 'tonline'")
    )[0].n;
    const raw = (
      await rows<{ n: number; ids: number }>(
        "SELECT toUInt32(count()) AS n, toUInt32(uniqExact(event_id)) AS ids FROM bounce_events WHERE provider = 'tonline'",
      )
    )[0];
    t.deepEqual(raw, { n: 15, ids: 15 }, 'each shared message stored from one partition only');
    t.is(counted, 15, 'and counted once in the rollup');
  },
);

test.serial(
  'a batch spanning 150 months and more than 50 years goes in: yearly partitions, blocks of at most 50 years',
  async (t) => {
    const events = Array.from({ length: 150 }, (_, i) =>
      makeEvent({
        event_id: `span-${i}`,
        provider: 'apple',
        bounced_at: `${2017 + Math.floor(i / 2)}-${String((i % 12) + 1).padStart(2, '0')}-01 00:00:00`,
      }),
    );
    await insertEvents(store, events, 'span:1');
    const got = (
      await rows<{ n: number; years: number }>(
        "SELECT toUInt32(count()) AS n, toUInt32(uniqExact(toYear(bounced_at))) AS years FROM bounce_events WHERE provider = 'apple'",
      )
    )[0];
    t.deepEqual(got, { n: 150, years: 75 });
    const codes = (
      await rows<{ n: number }>("SELECT toUInt32(sum(n_events)) AS n FROM code_hourly WHERE provider = 'apple'")
    )[0].n;
    t.is(codes, 150);
    // One part per year in bounce_events and events_by_ip; the rollups take the whole span in one partition (0012).
    const partitions = await rows<{ table: string; n: number }>(
      "SELECT table, toUInt32(uniqExact(partition)) AS n FROM system.parts WHERE database = currentDatabase() AND active AND table IN ('bounce_events', 'events_by_ip', 'bounce_hourly', 'listing_hourly', 'code_hourly') GROUP BY table ORDER BY table",
    );
    t.deepEqual(
      partitions.map((p) => `${p.table}:${p.n >= 75 ? 'years' : p.n}`),
      ['bounce_events:years', 'bounce_hourly:1', 'code_hourly:1', 'events_by_ip:years', 'listing_hourly:1'],
    );
  },
);

// Migrations against the real embedded engine: idempotent, recorded, checksummed; the cluster DDL parses.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { makeEvent } from '../helpers/events.ts';
import { insertEvents, toIPv6Text } from '../../queries/events.ts';
import { MIGRATIONS_DIR } from '../../queries/migrate.ts';
import { freshStore, type TestStore } from '../helpers/store.ts';
import { loadMigrations, migrate, renderStatements, BOOTSTRAP_SQL, MigrationError } from '../../queries/migrate.ts';

let store: TestStore;
test.before(async () => {
  store = await freshStore();
});
test.after.always(async () => {
  await store?.close();
});

const rows = async <T>(query: string, query_params?: Record<string, unknown>) =>
  (await store.client.query({ query, query_params, format: 'JSONEachRow' })).json<T>();

test.serial('the helper migrated everything; a second and third run are no-ops', async (t) => {
  const names = loadMigrations().map((m) => m.name);
  const applied = await rows<{ name: string; checksum: string }>(
    'SELECT name, checksum FROM schema_migrations ORDER BY name',
  );
  t.deepEqual(
    applied.map((r) => r.name),
    names,
  );
  t.deepEqual(
    applied.map((r) => r.checksum),
    loadMigrations().map((m) => m.checksum),
  );
  for (let i = 0; i < 2; i++) {
    const again = await migrate(store, store.config.store);
    t.deepEqual(again, { applied: [], pending: [], existing: names });
  }
  t.is((await rows<{ n: number }>('SELECT toUInt32(count()) AS n FROM schema_migrations'))[0].n, names.length);
});

test.serial('every table and view the others rely on exists', async (t) => {
  const tables = (
    await rows<{ name: string; engine: string }>(
      'SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name',
    )
  ).map((r) => `${r.name}:${r.engine}`);
  for (const want of [
    'bounce_events:ReplacingMergeTree',
    'bounce_hourly:AggregatingMergeTree',
    'bounce_hourly_mv:MaterializedView',
    'listing_hourly:AggregatingMergeTree',
    'listing_hourly_mv:MaterializedView',
    'schema_migrations:MergeTree',
    'v_events:View',
    'v_bounce_hourly:View',
    'v_listing_episodes:View',
    'code_hourly:AggregatingMergeTree',
    'code_hourly_mv:MaterializedView',
    'v_listing_episodes_as_of:View',
    'v_accounts_before_listing:View',
    'v_episode_settings:View',
  ]) {
    t.true(tables.includes(want), want);
  }
  const ttl = await rows<{ q: string }>(
    "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'bounce_events'",
  );
  t.regex(ttl[0].q, /TTL toDateTime\(least\(toDate32\(bounced_at\) \+ 3650, toDate32\('2106-02-06'\)\), 'UTC'\)/);
  t.regex(ttl[0].q, /non_replicated_deduplication_window = 10000/);
});

test.serial('dry run reports without applying', async (t) => {
  const r = await migrate(store, { ...store.config.store, dryRun: true });
  t.deepEqual(r.pending, []);
  t.deepEqual(r.applied, []);
});

test.serial('a migration changed after it was applied is refused with a clear message', async (t) => {
  await store.client.command({
    query: "ALTER TABLE schema_migrations UPDATE checksum = 'edited' WHERE name = '0002_bounce_hourly'",
    clickhouse_settings: { mutations_sync: '2' },
  });
  const err = await t.throwsAsync(migrate(store, store.config.store), { instanceOf: MigrationError });
  t.regex(err.message, /migration 0002_bounce_hourly was changed after it was applied/);
  t.regex(err.message, /put the change in a new migration/);
  const good = loadMigrations().find((m) => m.name === '0002_bounce_hourly')!.checksum;
  await store.client.command({
    query: 'ALTER TABLE schema_migrations UPDATE checksum = {c:String} WHERE name = {n:String}',
    query_params: { c: good, n: '0002_bounce_hourly' },
    clickhouse_settings: { mutations_sync: '2' },
  });
  t.deepEqual((await migrate(store, store.config.store)).applied, []);
});

test.serial('a store with a migration this version does not know is refused', async (t) => {
  await store.client.insert({
    table: 'schema_migrations',
    values: [{ name: '9999_future', checksum: 'x', applied_at: '2026-01-01 00:00:00.000' }],
    format: 'JSONEachRow',
  });
  await t.throwsAsync(migrate(store, store.config.store), {
    instanceOf: MigrationError,
    message: /9999_future.*newer bounce-pipeline/,
  });
  await store.client.command({
    query: "ALTER TABLE schema_migrations DELETE WHERE name = '9999_future'",
    clickhouse_settings: { mutations_sync: '2' },
  });
  t.deepEqual((await migrate(store, store.config.store)).applied, []);
});

test('the cluster variant parses (ClickHouse parser via formatQuery): Replicated ON CLUSTER + Distributed', async (t) => {
  const opts = { retentionDays: 90, episodeGapHours: 12, cluster: 'bp_cluster' };
  const statements = [BOOTSTRAP_SQL, ...loadMigrations().map((m) => m.sql)].flatMap((sql) =>
    renderStatements(sql, opts),
  );
  const formatted: string[] = [];
  for (const q of statements) {
    formatted.push((await rows<{ f: string }>('SELECT formatQuery({q:String}) AS f', { q }))[0].f);
  }
  const all = formatted.join('\n');
  t.regex(all, /CREATE TABLE IF NOT EXISTS bounce_events_local ON CLUSTER bp_cluster/);
  t.regex(all, /ENGINE = ReplicatedReplacingMergeTree/);
  t.regex(all, /ENGINE = Distributed\('bp_cluster', currentDatabase\(\), bounce_events_local, sipHash64\(event_id\)\)/);
  t.regex(
    all,
    /CREATE MATERIALIZED VIEW IF NOT EXISTS listing_hourly_mv ON CLUSTER bp_cluster TO listing_hourly_local/,
  );
  t.is(formatted.filter((f) => /ENGINE = Distributed/.test(f)).length, 5);
  t.regex(all, /CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_ip_mv ON CLUSTER bp_cluster TO events_by_ip_local/);
  t.regex(
    all,
    /CREATE OR REPLACE VIEW v_episode_settings ON CLUSTER bp_cluster\s+AS SELECT toUInt32\(12\) AS gap_hours/,
  );
  t.regex(all, /ALTER TABLE code_hourly_local ON CLUSTER bp_cluster/);
  t.regex(all, /ALTER TABLE bounce_events_local ON CLUSTER bp_cluster\s+\(ADD PROJECTION IF NOT EXISTS by_sending_ip/);
  t.false(
    formatted.some((f) => /^INSERT/.test(f)),
    'no single-node backfill in the cluster variant',
  );
});

test.serial('migrations added later backfill the events stored before them (code_hourly, counters)', async (t) => {
  // Its own database in the same engine: the schema as it was before 0005, then the full set.
  const db = 'bp_backfill';
  await store.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await store.client.command({ query: `USE ${db}` });
  try {
    const older = fs.mkdtempSync(path.join(store.dataDir, '..', 'bp-migrations-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f < '0005'))
      fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(older, f));
    t.deepEqual((await migrate(store, { ...store.config.store, migrationsDir: older })).applied, [
      '0001_bounce_events',
      '0002_bounce_hourly',
      '0003_listing_hourly',
      '0004_views',
    ]);
    const events = [makeEvent(), makeEvent({ provider: 'google', ms_code: '' }), makeEvent()];
    await insertEvents(store, events, 'backfill:1');
    // A replay stored twice before 0006 (older versions did not drop stored ids): the counter backfill counts it once.
    await store.client.insert({
      table: 'bounce_events',
      format: 'JSONEachRow',
      values: [events[0]].map((e) => ({
        ...e,
        sending_ip: toIPv6Text(e.sending_ip),
        listed_ip: e.listed_ip ? toIPv6Text(e.listed_ip) : null,
      })),
    });
    t.deepEqual(
      (await migrate(store, store.config.store)).applied,
      loadMigrations()
        .map((m) => m.name)
        .filter((n) => n >= '0005'),
    );
    const got = await rows<{ provider: string; events: number; n_events: number }>(
      'SELECT provider, toUInt32(uniqMerge(events)) AS events, toUInt32(sum(n_events)) AS n_events FROM code_hourly GROUP BY provider ORDER BY provider',
    );
    t.deepEqual(got, [
      { provider: 'google', events: 1, n_events: 1 },
      { provider: 'microsoft', events: 2, n_events: 2 },
    ]);
    const listed = await rows<{ n: number }>('SELECT toUInt32(sum(n_rejections)) AS n FROM listing_hourly');
    t.deepEqual(listed, [{ n: 3 }], 'listing_hourly counters backfilled too (all three are block-list rejections)');
    const byIp = await rows<{ n: number; accounts: number }>(
      'SELECT toUInt32(count()) AS n, toUInt32(uniqExact(account)) AS accounts FROM events_by_ip',
    );
    t.deepEqual(
      byIp,
      [{ n: 3, accounts: 1 }],
      'events_by_ip backfilled from bounce_events FINAL: the row stored twice counts once',
    );
  } finally {
    await store.client.command({ query: `USE ${store.database}` });
  }
});

test.serial(
  '0009 moves a store with monthly partitions to yearly ones and loses nothing; the rollups keep being fed',
  async (t) => {
    const db = 'bp_yearly';
    await store.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
    await store.client.command({ query: `USE ${db}` });
    try {
      const older = fs.mkdtempSync(path.join(store.dataDir, '..', 'bp-migrations-'));
      for (const f of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f < '0009'))
        fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(older, f));
      await migrate(store, { ...store.config.store, retentionDays: 29000, migrationsDir: older });
      // 150 months, 2010-2022, stored by the old schema in blocks of under 100 months (what used to get in).
      const events = Array.from({ length: 150 }, (_, i) =>
        makeEvent({
          bounced_at: `${2010 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-15 12:00:00`,
          category: i % 2 ? 'ip_blocklist' : 'mailbox_full',
          provider: i % 3 ? 'microsoft' : 'google',
        }),
      );
      for (const part of [events.slice(0, 75), events.slice(75)]) {
        await store.client.insert({
          table: 'bounce_events',
          format: 'JSONEachRow',
          values: part.map(({ adjustments: _a, ...e }) => ({
            ...e,
            sending_ip: toIPv6Text(e.sending_ip),
            listed_ip: e.listed_ip ? toIPv6Text(e.listed_ip) : null,
          })),
        });
      }
      const snapshot = async () => ({
        raw: await rows<{ n: number; ids: number; h: string }>(
          'SELECT toUInt32(count()) AS n, toUInt32(uniqExact(event_id)) AS ids, toString(sum(cityHash64(event_id, bounced_at, recipient, diagnostic))) AS h FROM bounce_events',
        ),
        hourly: await rows(
          'SELECT toUInt32(sum(bounces)) AS b, toUInt32(uniqMerge(events)) AS e, toUInt32(uniqMerge(recipients)) AS r FROM bounce_hourly',
        ),
        codes: await rows(
          'SELECT provider, toUInt32(sum(n_events)) AS n, toUInt32(uniqMerge(events)) AS e FROM code_hourly GROUP BY provider ORDER BY provider',
        ),
        listing: await rows(
          'SELECT toUInt32(sum(n_rejections)) AS n, toUInt32(uniqMerge(rejections)) AS r, toString(min(first_seen)) AS f, toString(max(last_seen)) AS l FROM listing_hourly',
        ),
        byIp: await rows('SELECT toUInt32(count()) AS n, toString(min(bounced_at)) AS f FROM events_by_ip'),
      });
      const before = await snapshot();
      t.is(before.raw[0].n, 150);
      // 0009 first, then whatever migrations came after it (they must not disturb the rows either).
      const { applied } = await migrate(store, { ...store.config.store, retentionDays: 29000 });
      t.is(applied[0], '0009_yearly_partitions');
      t.true(
        applied.every((name) => name >= '0009'),
        applied.join(','),
      );
      t.deepEqual(await snapshot(), before, 'every table holds what it held');
      const keys = await rows<{ name: string; partition_key: string }>(
        "SELECT name, partition_key FROM system.tables WHERE database = currentDatabase() AND partition_key != '' ORDER BY name",
      );
      // Yearly since 0009; the three rollups in one partition since 0012, their TTL kept.
      t.deepEqual(
        keys.filter((k) => k.name !== 'schema_migrations').map((k) => `${k.name}:${k.partition_key}`),
        [
          'bounce_events:toYear(bounced_at)',
          'bounce_hourly:tuple()',
          'code_hourly:tuple()',
          'events_by_ip:toYear(bounced_at)',
          'listing_hourly:tuple()',
        ],
      );
      const rollups = await rows<{ name: string; engine_full: string }>(
        "SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN ('bounce_hourly', 'listing_hourly', 'code_hourly') ORDER BY name",
      );
      t.deepEqual(
        rollups.map((r) => r.name),
        ['bounce_hourly', 'code_hourly', 'listing_hourly'],
      );
      for (const r of rollups)
        t.regex(
          r.engine_full,
          /^AggregatingMergeTree PARTITION BY tuple\(\) ORDER BY .* TTL toDateTime\(least\(toDate32\(hour\) \+ 29000/,
          r.name,
        );
      // The views feed the new tables: a 150-month batch in one insert, and the rollups count it.
      const more = Array.from({ length: 150 }, (_, i) =>
        makeEvent({ bounced_at: `${2005 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01 00:00:00` }),
      );
      await insertEvents(store, more, 'yearly:1');
      const after = await snapshot();
      t.is(after.raw[0].n, 300);
      t.is(after.raw[0].ids, 300);
      t.is(
        (after.codes as { n: number }[]).reduce((a, r) => a + r.n, 0),
        300,
      );
      t.is((after.byIp as { n: number }[])[0].n, 300);
      // BOUNCE_RETENTION_DAYS=29000 and a bounce of today: its TTL is capped at 2106, not wrapped to 1970.
      const today = makeEvent({ bounced_at: new Date().toISOString().slice(0, 19).replace('T', ' ') });
      await insertEvents(store, [today], 'yearly:today');
      await store.client.command({ query: 'OPTIMIZE TABLE bounce_events FINAL' });
      t.is(
        (
          await rows<{ n: number }>('SELECT toUInt32(count()) AS n FROM bounce_events WHERE event_id = {id:String}', {
            id: today.event_id,
          })
        )[0].n,
        1,
        'survives a merge',
      );
    } finally {
      await store.client.command({ query: `USE ${store.database}` });
    }
  },
);

import test from 'ava';
import { loadMigrations, renderStatements, BOOTSTRAP_SQL, MigrationError } from '../../queries/migrate.ts';
import { ConfigError } from '../../shared/errors.ts';

const single = { retentionDays: 400, episodeGapHours: 24, cluster: null };
const cluster = { retentionDays: 30, episodeGapHours: 6, cluster: 'bp_cluster' };

test('migrations are ordered NNNN_name files with stable checksums', (t) => {
  const ms = loadMigrations();
  t.true(ms.length >= 4);
  t.deepEqual(
    ms.map((m) => m.name),
    [...ms.map((m) => m.name)].sort(),
  );
  t.is(ms[0].name, '0001_bounce_events');
  for (const m of ms) t.regex(m.checksum, /^[0-9a-f]{64}$/);
  t.deepEqual(
    loadMigrations().map((m) => m.checksum),
    ms.map((m) => m.checksum),
  );
});

test('single node: plain engines, no ON CLUSTER, no cluster-only statements, config values filled in', (t) => {
  const sql = loadMigrations()
    .flatMap((m) => renderStatements(m.sql, single))
    .join('\n;\n');
  t.notRegex(sql, /\{\{|ON CLUSTER|Replicated|Distributed|_local\b/);
  t.regex(sql, /ENGINE = ReplacingMergeTree/);
  t.regex(sql, /TTL bounced_at \+ INTERVAL 400 DAY/);
  t.regex(sql, /> 24 \* 3600/);
  t.regex(sql, /INSERT INTO code_hourly/, 'single-node backfill');
});

test('cluster: Replicated engines ON CLUSTER on *_local tables, Distributed tables under the public names', (t) => {
  const sql = loadMigrations()
    .flatMap((m) => renderStatements(m.sql, cluster))
    .join('\n;\n');
  t.notRegex(sql, /\{\{/);
  t.regex(sql, /CREATE TABLE IF NOT EXISTS bounce_events_local ON CLUSTER bp_cluster/);
  t.regex(sql, /ENGINE = ReplicatedReplacingMergeTree/);
  t.regex(sql, /ENGINE = ReplicatedAggregatingMergeTree/);
  t.regex(
    sql,
    /CREATE TABLE IF NOT EXISTS bounce_events ON CLUSTER bp_cluster AS bounce_events_local\s+ENGINE = Distributed\('bp_cluster'/,
  );
  t.regex(sql, /TO bounce_hourly_local/);
  t.regex(sql, /TTL bounced_at \+ INTERVAL 30 DAY/);
  t.notRegex(sql, /INSERT INTO/, 'no single-only statements');
  t.regex(
    renderStatements(BOOTSTRAP_SQL, cluster)[0],
    /schema_migrations ON CLUSTER bp_cluster[\s\S]*ReplicatedMergeTree/,
  );
});

test('config values are validated before they reach DDL', (t) => {
  t.throws(() => renderStatements('SELECT 1', { ...single, cluster: "x'; DROP TABLE y; --" }), {
    instanceOf: ConfigError,
  });
  t.throws(() => renderStatements('SELECT 1', { ...single, retentionDays: 1.5 }), { instanceOf: ConfigError });
  t.throws(() => renderStatements('SELECT 1', { ...single, episodeGapHours: 0 }), { instanceOf: ConfigError });
});

test('an unknown placeholder is an error, not left in the SQL', (t) => {
  t.throws(() => renderStatements('SELECT {{nope}}', single), { instanceOf: MigrationError, message: /\{\{nope\}\}/ });
  t.throws(() => renderStatements('CREATE TABLE t ENGINE = {{engine:Log}}', single), { instanceOf: MigrationError });
});

test('statements split at ; line ends; comment-only chunks are dropped', (t) => {
  const out = renderStatements("-- head\nSELECT 1;\n\n-- only a comment\n;\nSELECT ';' AS x;\n", single);
  t.deepEqual(out, ['-- head\nSELECT 1', "SELECT ';' AS x"]);
});

// The migrate / query / sql commands end to end: the real binary in child processes, one embedded store.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMigrations } from '../../queries/migrate.ts';

const MIGRATIONS = loadMigrations().length;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-cli-'));

const cli = (...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, BOUNCE_DATA_DIR: dataDir };
  delete env.CLICKHOUSE_URL;
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/bounce-pipeline.js'), ...args], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test.serial('migrate applies everything once, then reports it as applied', (t) => {
  const first = cli('migrate');
  t.is(first.code, 0, first.err);
  t.regex(first.out, /^applied\s+0001_bounce_events$/m);
  t.regex(first.out, new RegExp(`migrate\\.done store=embedded .* applied=${MIGRATIONS} pending=0 existing=0`));
  const again = cli('migrate', '--dry-run');
  t.is(again.code, 0, again.err);
  t.regex(again.out, /^already applied\s+0004_views$/m);
  t.regex(again.out, new RegExp(`applied=0 pending=0 existing=${MIGRATIONS}`));
});

test.serial('query --list shows every query with its params; query runs with --param and --format', (t) => {
  const list = cli('query', '--list');
  t.is(list.code, 0, list.err);
  t.regex(list.out, /^active-listings\n {4}Sending IPs listed right now/m);
  t.regex(list.out, /--param bucket=<String>\s+\(default day; one of hour, day\)/);
  const csv = cli(
    'query',
    'top-codes',
    '--param',
    'since=2026-01-01',
    '--param',
    'until=2026-02-01',
    '--format',
    'csv',
  );
  t.is(csv.code, 0, csv.err);
  t.is(csv.out, 'provider,ms_code,status,category,events,sending_ips\n');
  const json = cli('query', 'active-listings', '-p', "provider='); DROP TABLE bounce_events; --", '-f', 'json');
  t.is(json.code, 0, json.err);
  t.deepEqual(JSON.parse(json.out), []);
});

test.serial('query errors are one clean line with exit code 2', (t) => {
  const bad = cli('query', 'top-codes', '--param', 'limit=ten');
  t.is(bad.code, 2);
  t.is(bad.err, 'bounce-pipeline: top-codes: parameter limit="ten" is not a whole number from 0 to 4294967295\n');
  const unknown = cli('query', 'no-such-query');
  t.is(unknown.code, 2);
  t.regex(unknown.err, /unknown query "no-such-query"; available: accounts-before-listing, active-listings/);
});

test.serial('sql reads, and refuses to write or drop', (t) => {
  const ok = cli(
    'sql',
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'bounce%' ORDER BY name",
    '--format',
    'csv',
  );
  t.is(ok.code, 0, ok.err);
  t.is(ok.out, 'name\nbounce_events\nbounce_hourly\nbounce_hourly_mv\n');
  const drop = cli('sql', 'DROP TABLE bounce_events');
  t.is(drop.code, 2);
  t.regex(drop.err, /readonly mode.*this command is read-only: use migrate for schema changes/);
  const insert = cli('sql', "INSERT INTO schema_migrations (name) VALUES ('x')");
  t.is(insert.code, 2);
  const still = cli(
    'sql',
    "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'bounce_events'",
    '-f',
    'json',
  );
  t.deepEqual(JSON.parse(still.out), [{ n: 1 }]);
});

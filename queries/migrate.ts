// Ordered migrations: queries/migrations/NNNN_<what>.sql, applied once each, recorded with a checksum in schema_migrations.
//
// DDL cannot take query parameters, so config values enter it through a tiny placeholder set, each validated here
// (integers or identifiers only, never free text):
//   {{retention_days}}     whole number >= 1 (BOUNCE_RETENTION_DAYS)
//   {{episode_gap_hours}}  whole number >= 1 (BOUNCE_EPISODE_GAP_HOURS)
//   {{on_cluster}}         '' or ON CLUSTER <cluster>
//   {{cluster}}            '<cluster>' as a string literal (Distributed engine argument)
//   {{table:<name>}}       the storage table: <name>, or <name>_local with a cluster (a Distributed <name> sits on top)
//   {{engine:<Engine>}}    <Engine>, or Replicated<Engine> with a cluster
// A statement whose first line is `-- @cluster-only` runs only with a cluster, `-- @single-only` only without one
// (e.g. a backfill that would reach one shard only). Statements end with `;` at line end.
// The checksum covers the file text before substitution, so changing a config value does not "change" a migration.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreOptions } from './store-options.ts';
import { BouncePipelineError, ConfigError } from '../shared/errors.ts';
import { isNotAllowed, type Store } from './client.ts';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface MigrateOptions {
  retentionDays: number;
  episodeGapHours?: number;
  cluster?: string | null;
  /** only report what is pending; apply nothing */
  dryRun?: boolean;
  /** tests only: another folder of migration files */
  migrationsDir?: string;
}

export interface MigrateResult {
  /** applied by this call, in order */
  applied: string[];
  /** still pending after this call (non-empty only with dryRun) */
  pending: string[];
  /** applied earlier */
  existing: string[];
}

export interface Migration {
  name: string;
  checksum: string;
  sql: string;
}

/** A migration file changed after it was applied, or a statement failed. */
export class MigrationError extends BouncePipelineError {
  constructor(message: string, cause?: unknown) {
    super(message, { stage: 'store', cause });
  }
}

const ENGINES = new Set(['MergeTree', 'ReplacingMergeTree', 'AggregatingMergeTree', 'SummingMergeTree']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return { name: file.replace(/\.sql$/, ''), checksum: sha256(sql), sql };
    });
}

/** The statements of one migration file, placeholders filled, cluster-only ones dropped when there is no cluster. */
export function renderStatements(sql: string, opts: MigrateOptions): string[] {
  const values = placeholderValues(opts);
  return sql
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')))
    .filter((s) => (opts.cluster ? !/^--\s*@single-only\b/.test(s) : !/^--\s*@cluster-only\b/.test(s)))
    .map((s) =>
      s.replace(/\{\{([a-z_]+)(?::([A-Za-z_][A-Za-z0-9_]*))?\}\}/g, (whole, key: string, arg: string | undefined) => {
        if (key === 'table' && arg) return opts.cluster ? `${arg}_local` : arg;
        if (key === 'engine' && arg && ENGINES.has(arg)) return opts.cluster ? `Replicated${arg}` : arg;
        const v = arg === undefined ? values[key] : undefined;
        if (v === undefined)
          throw new MigrationError(`unknown placeholder ${whole} in a migration (see queries/migrate.ts for the list)`);
        return v;
      }),
    )
    .map((s) => {
      const left = /\{\{[^}]*\}\}/.exec(s);
      if (left)
        throw new MigrationError(`unknown placeholder ${left[0]} in a migration (see queries/migrate.ts for the list)`);
      return s;
    });
}

function placeholderValues(opts: MigrateOptions): Record<string, string> {
  const int = (name: string, v: number | undefined) => {
    if (!Number.isInteger(v) || (v as number) < 1)
      throw new ConfigError(`${name} must be a whole number >= 1, got ${v}`);
    return String(v);
  };
  const cluster = opts.cluster ?? null;
  if (cluster !== null && !IDENTIFIER.test(cluster))
    throw new ConfigError(`CLICKHOUSE_CLUSTER must be a plain identifier, got ${cluster}`);
  return {
    retention_days: int('BOUNCE_RETENTION_DAYS', opts.retentionDays),
    episode_gap_hours: int('BOUNCE_EPISODE_GAP_HOURS', opts.episodeGapHours ?? 24),
    on_cluster: cluster ? `ON CLUSTER ${cluster}` : '',
    cluster: cluster ? `'${cluster}'` : "''",
  };
}

export const BOOTSTRAP_SQL = `
CREATE TABLE IF NOT EXISTS schema_migrations {{on_cluster}}
(
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = {{engine:MergeTree}}
ORDER BY name;
`;

const ASK_ADMIN =
  'run `bounce-pipeline migrate` as a ClickHouse user that may create tables (bounce_admin in docker-compose.yml)';

export async function migrate(store: Store, opts: MigrateOptions): Promise<MigrateResult> {
  const migrations = loadMigrations(opts.migrationsDir);
  // A read-only or insert-only user (Grafana, the consumer, a postmaster's reports) cannot run even CREATE ... IF NOT
  // EXISTS; on a migrated store it needs no DDL at all, so go on and read what is applied.
  let mayWrite = true;
  try {
    for (const stmt of renderStatements(BOOTSTRAP_SQL, opts)) await store.client.command({ query: stmt });
  } catch (err) {
    if (!isNotAllowed(err)) throw err;
    mayWrite = false;
  }
  let rs;
  try {
    rs = await store.client.query({
      query: 'SELECT name, checksum FROM schema_migrations ORDER BY name',
      format: 'JSONEachRow',
    });
  } catch (err) {
    if (mayWrite) throw err;
    throw new MigrationError(
      `the store has no schema yet (or this user may not read schema_migrations) and this user may not create it: ${ASK_ADMIN}`,
      err,
    );
  }
  const done = new Map((await rs.json<{ name: string; checksum: string }>()).map((r) => [r.name, r.checksum]));

  const known = new Set(migrations.map((m) => m.name));
  const unknown = [...done.keys()].filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new MigrationError(
      `the store has migrations this version does not know: ${unknown.join(', ')}; run a newer bounce-pipeline`,
    );
  }
  for (const m of migrations) {
    const recorded = done.get(m.name);
    if (recorded !== undefined && recorded !== m.checksum) {
      throw new MigrationError(
        `migration ${m.name} was changed after it was applied (checksum ${recorded.slice(0, 12)} in schema_migrations, ` +
          `${m.checksum.slice(0, 12)} on disk); restore the file and put the change in a new migration`,
      );
    }
  }
  const pending = migrations.filter((m) => !done.has(m.name));
  const result: MigrateResult = { applied: [], pending: pending.map((m) => m.name), existing: [...done.keys()].sort() };
  if (opts.dryRun) return result;
  if (!mayWrite && pending.length > 0) {
    throw new MigrationError(
      `${pending.length} migration(s) pending (${result.pending.join(', ')}) and this user may not apply them: ${ASK_ADMIN}`,
    );
  }

  for (const m of pending) {
    for (const stmt of renderStatements(m.sql, opts)) {
      try {
        await store.client.command({ query: stmt });
      } catch (err) {
        const hint = isNotAllowed(err) ? `\nThis user may not change the schema: ${ASK_ADMIN}.` : '';
        throw new MigrationError(
          `migration ${m.name} failed: ${(err as Error).message}\nstatement:\n${stmt}${hint}`,
          err,
        );
      }
    }
    await store.client.insert({
      table: 'schema_migrations',
      values: [
        { name: m.name, checksum: m.checksum, applied_at: new Date().toISOString().replace('T', ' ').replace('Z', '') },
      ],
      format: 'JSONEachRow',
    });
    result.applied.push(m.name);
  }
  result.pending = [];
  return result;
}

/** For commands that need the schema: apply whatever is pending, quietly. */
export async function ensureSchema(store: Store, config: { store: StoreOptions }): Promise<MigrateResult> {
  return migrate(store, {
    retentionDays: config.store.retentionDays,
    episodeGapHours: config.store.episodeGapHours,
    cluster: config.store.cluster,
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// The one store factory: CLICKHOUSE_URL → a ClickHouse server over HTTP; otherwise embedded chDB in this process.
// Everything above this file is the same code for both. The embedded store is one process at a time: the engine locks
// its data dir itself (an flock on <data dir>/status, which names the holder's pid), and the kernel drops that lock
// when the holder dies, so there is no lock file of ours to go stale and nothing to clean up at exit.
import fs from 'node:fs';
import path from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { StoreOptions } from './store-options.ts';
import { BouncePipelineError, ConfigError } from '../shared/errors.ts';

/** An open store. Queries use its database by default (SQL never names it); 64-bit integers come back as JSON numbers. */
export interface Store {
  client: ClickHouseClient;
  database: string;
  kind: 'embedded' | 'server';
  close(): Promise<void>;
}

/** A second process tried to open the embedded store's data dir. */
export class StoreLockedError extends BouncePipelineError {
  readonly pid: number;
  constructor(dataDir: string, pid: number) {
    super(
      `the data dir ${dataDir} is in use by process ${pid}; stop it, or set BOUNCE_DATA_DIR to another folder, ` +
        'or use CLICKHOUSE_URL for a server',
      { stage: 'store' },
    );
    this.pid = pid;
  }
}

/** The engine's lock and status file in the data dir: `PID: <holder>` on its first line. */
export const ENGINE_STATUS_FILE = 'status';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Both kinds return 64-bit integers (counts, offsets) as JSON numbers, so callers see one shape.
const JSON_NUMBERS = { output_format_json_quote_64bit_integers: 0 } as const;

// How each open store was built, for openReadOnlyClient().
const origins = new WeakMap<Store, StoreOptions>();

export async function openStore(store: StoreOptions): Promise<Store> {
  if (!IDENTIFIER.test(store.database))
    throw new ConfigError(`CLICKHOUSE_DATABASE must be a plain identifier, got ${store.database}`);
  const opened = store.url ? await openServer(store) : await openEmbedded(store);
  // The embedded engine keys sessions by path: remember the resolved one.
  origins.set(opened, store.url ? store : { ...store, dataDir: fs.realpathSync(store.dataDir) });
  return opened;
}

/**
 * A client whose session refuses writes and DDL (readonly=2: SELECT and SET only), for ad-hoc SQL.
 * Embedded: a second chDB session on the same data dir, so the main store's session stays writable.
 */
export async function openReadOnlyClient(store: Store): Promise<ClickHouseClient> {
  const origin = origins.get(store);
  if (!origin) throw new Error('openReadOnlyClient: store was not opened by openStore');
  if (store.kind === 'server') {
    return createClient({
      url: origin.url!,
      username: origin.user,
      password: origin.password,
      database: store.database,
      clickhouse_settings: { ...JSON_NUMBERS, readonly: '2' },
    });
  }
  const client = chdbClient(origin.dataDir);
  await client.command({ query: `USE ${store.database}` });
  await client.command({ query: 'SET output_format_json_quote_64bit_integers = 0' });
  await client.command({ query: 'SET readonly = 2' });
  return client;
}

/** READONLY (a readonly profile) or ACCESS_DENIED (no grant): the user may not run this DDL. */
export function isNotAllowed(err: unknown): boolean {
  const code = Number((err as { code?: unknown })?.code);
  return code === 164 || code === 497;
}

async function openServer(store: StoreOptions): Promise<Store> {
  // The client's own logger would print every failed try of a wait; the pipeline reports store errors itself.
  const auth = {
    url: store.url!,
    username: store.user,
    password: store.password,
    log: { level: ClickHouseLogLevel.OFF },
  };
  const bootstrap = createClient(auth);
  try {
    const onCluster = store.cluster ? ` ON CLUSTER ${checkIdentifier(store.cluster, 'CLICKHOUSE_CLUSTER')}` : '';
    await bootstrap
      .command({ query: `CREATE DATABASE IF NOT EXISTS ${store.database}${onCluster}` })
      .catch((err: unknown) => {
        // a read-only or insert-only user may not create it; the database then exists already (or its first query says so)
        if (!isNotAllowed(err)) throw err;
      });
  } catch (err) {
    if (err instanceof BouncePipelineError) throw err;
    throw new BouncePipelineError(
      `cannot use the ClickHouse server at ${store.url}: ${(err as Error).message}; check CLICKHOUSE_URL, CLICKHOUSE_USER and ` +
        'CLICKHOUSE_PASSWORD, or unset CLICKHOUSE_URL to use the embedded store',
      { stage: 'store', retriable: true, cause: err },
    );
  } finally {
    await bootstrap.close();
  }
  const client = createClient({ ...auth, database: store.database, clickhouse_settings: JSON_NUMBERS });
  return { client, database: store.database, kind: 'server', close: () => client.close() };
}

async function openEmbedded(store: StoreOptions): Promise<Store> {
  fs.mkdirSync(store.dataDir, { recursive: true });
  const dir = fs.realpathSync(store.dataDir);
  let client: ClickHouseClient | undefined;
  try {
    client = chdbClient(dir);
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${store.database}` });
    // chDB ignores the client's `database` option; USE sticks to this session.
    await client.command({ query: `USE ${store.database}` });
    await client.command({ query: 'SET output_format_json_quote_64bit_integers = 0' });
  } catch (err) {
    await client?.close();
    throw lockHolder(dir) ?? err;
  }
  let closed = false;
  const c = client;
  return {
    client: c,
    database: store.database,
    kind: 'embedded',
    async close() {
      if (closed) return;
      closed = true;
      await c.close();
    },
  };
}

/** After a failed open: StoreLockedError when another live process holds the engine's lock on dir. */
function lockHolder(dir: string): StoreLockedError | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, ENGINE_STATUS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)
    ? new StoreLockedError(dir, pid)
    : undefined;
}

// chdb/connection is typed against its own copy of @clickhouse/client-common; the runtime contract is the same.
function chdbClient(dir: string): ClickHouseClient {
  type ConnectionOption = NonNullable<Parameters<typeof createClient>[0]>['connection'];
  return createClient({ connection: createChdbConnection({ path: dir }) as unknown as ConnectionOption });
}

function checkIdentifier(value: string, name: string): string {
  if (!IDENTIFIER.test(value)) throw new ConfigError(`${name} must be a plain identifier, got ${value}`);
  return value;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

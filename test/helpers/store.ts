// freshStore(): an embedded store in its own temp data dir, migrated. One per test file (libchdb binds one dir per process).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testConfig, type Config } from '../../cli/config.ts';
import { openStore, type Store } from '../../queries/client.ts';
import { migrate } from '../../queries/migrate.ts';

export interface TestStore extends Store {
  config: Readonly<Config>;
  dataDir: string;
}

export async function freshStore(storeOverrides: Partial<Config['store']> = {}): Promise<TestStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-store-'));
  const config = testConfig({ store: { dataDir, ...storeOverrides } });
  const store = await openStore(config.store);
  await migrate(store, config.store);
  return Object.assign(store, { config, dataDir });
}

/** Rows of one query (typed params bound by the engine). 64-bit integers arrive as numbers. */
export async function queryRows<T = Record<string, unknown>>(
  store: Store,
  query: string,
  params?: Record<string, unknown>,
): Promise<T[]> {
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

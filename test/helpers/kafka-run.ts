// The frame of a Kafka integration test file: a temp dir, the topics it creates (deleted after), and its own
// embedded store (libchdb binds one data dir per process) handed to `onStore` before the first test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestFn } from 'ava';
import { deleteTopics } from './kafka.ts';
import { freshStore, type TestStore } from './store.ts';

export function withStoreAndTopics(
  test: TestFn,
  prefix: string,
  onStore: (store: TestStore) => void,
): { tmp: string; topics: string[] } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const topics: string[] = [];
  let store: TestStore | undefined;
  test.before(async () => {
    store = await freshStore({ retentionDays: 3650 });
    onStore(store);
  });
  test.after.always(async () => {
    await store?.close();
    await deleteTopics(topics);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  return { tmp, topics };
}

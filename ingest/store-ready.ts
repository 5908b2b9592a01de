// Opening the store for a long-running job: while it is unavailable (unreachable, overloaded, refusing us), wait
// with the sink's capped backoff and say once what we wait for, instead of exiting. Anything else (a bad config,
// a locked embedded dir, a failed migration) is an error at once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoreOptions } from '../queries/store-options.ts';
import { openStore, StoreLockedError, type Store } from '../queries/client.ts';
import { ensureSchema } from '../queries/migrate.ts';
import { classifyStoreError } from '../queries/store-errors.ts';
import { ConfigError } from '../shared/errors.ts';
import { errorText } from './pipeline.ts';
import { DEFAULT_RETRY, retryDelayMs } from './sink.ts';

export async function openStoreWhenReady(
  config: { readonly store: StoreOptions },
  log: (line: string) => void,
): Promise<Store> {
  let waitingSince = 0;
  for (let attempt = 1; ; attempt++) {
    let store: Store | undefined;
    try {
      store = await openStore(config.store);
      await ensureSchema(store, config);
      if (waitingSince) log(`store.back waited_ms=${Date.now() - waitingSince}`);
      return store;
    } catch (err) {
      await store?.close().catch(() => undefined);
      const verdict = classifyStoreError(err);
      if (err instanceof ConfigError || err instanceof StoreLockedError || verdict.kind !== 'unavailable') throw err;
      if (!waitingSince) {
        waitingSince = Date.now();
        log(
          `store.unavailable waiting for ${verdict.what} (${config.store.url ?? config.store.dataDir}); retrying until it is back, nothing is consumed meanwhile: ${errorText(err, 300)}`,
        );
      }
      await sleep(retryDelayMs(DEFAULT_RETRY, attempt));
    }
  }
}

// `ingest --from`: files, folders, Maildir, mbox → pipeline → sink, no Kafka. Batches close on row count only,
// so the same inputs give the same batches and the same dedup tokens: ingesting twice stores nothing twice.
import type { Config } from './config.ts';
import type { Store } from '../queries/client.ts';
import { insertEvents } from '../queries/events.ts';
import { createFileDeadLetterWriter } from '../ingest/dead-letter.ts';
import type { Log } from '../ingest/kafka-client.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import type { StepResult } from '../ingest/pipeline.ts';
import { createTransformPool } from '../ingest/pool/pool.ts';
import type { SourceItem } from '../ingest/sources/raw-record.ts';
import type { InsertFn, Tally } from '../ingest/sink.ts';
import { addTally, Batcher, createSink, emptyTally, fileDedupToken } from '../ingest/sink.ts';
import { readSources } from '../ingest/sources/files.ts';
import type { Metrics } from '../ingest/metrics.ts';
import { instrumentInsert, instrumentPipeline, instrumentSink } from '../ingest/metrics-hooks.ts';

export interface FileIngestOptions {
  store: Store;
  wrapInsert?: (insert: InsertFn) => InsertFn;
  /** called after each stored batch and once per finished file */
  onProgress?: (tally: Tally, filesDone: number) => void;
  log: Log;
  /** stop reading new messages; the ones already read are finished, stored and counted */
  signal?: AbortSignal;
  /** Prometheus metrics of the run (BOUNCE_METRICS_PORT) */
  metrics?: Metrics | null;
}

export interface FileIngestSummary extends Tally {
  unreadable: number;
  files: number;
  dlqFile: string;
  /** the run was stopped (signal) before it read every input */
  interrupted: boolean;
}

export async function ingestFiles(
  config: Readonly<Config>,
  paths: string[],
  o: FileIngestOptions,
): Promise<FileIngestSummary> {
  const base: InsertFn = (events, token, options) => insertEvents(o.store, events, token, options);
  const deadLetters = createFileDeadLetterWriter(config.store.dataDir);
  const metrics = o.metrics ?? null;
  const sink = instrumentSink(
    metrics,
    createSink({
      insert: instrumentInsert(metrics, o.wrapInsert ? o.wrapInsert(base) : base),
      deadLetters,
      log: o.log,
    }),
  );
  const transformOptions = config.parse; // exactly the transform options: a new one reaches the workers without an edit here
  const pool =
    config.transformWorkers > 0
      ? createTransformPool({ size: config.transformWorkers, options: transformOptions, log: o.log })
      : null;
  const pipeline = instrumentPipeline(
    metrics,
    createPipeline({ ...transformOptions, retentionDays: config.store.retentionDays }, pool?.transform),
  );
  const batcher = new Batcher(config.sink.maxBatchRows);
  const tally = emptyTally();
  let unreadable = 0;
  let files = 0;
  let lastFile: string | null = null;

  // A batch is stored while the next one is read and transformed; one store at a time, in input order, so the
  // tokens, the tally and the dead letters come out as they would one after the other.
  let storing: Promise<{ err?: unknown }> = Promise.resolve({});
  const stored = async () => {
    const { err } = await storing;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the sink's rejection, as it came
    if (err) throw err;
  };
  const flush = async () => {
    if (batcher.size === 0) return;
    const items = batcher.take();
    await stored();
    storing = sink.write(items, fileDedupToken).then(
      (batch) => {
        addTally(tally, batch);
        metrics?.observeTally(batch);
        o.onProgress?.(tally, files);
        return {};
      },
      (err: unknown) => ({ err }),
    );
  };

  // Records run through the pipeline up to `window` ahead (in parallel with a transform pool) and are taken
  // back in input order, so batches and tokens are the same as one at a time.
  const ahead: { item: SourceItem; result: Promise<StepResult> | null }[] = [];
  const window = pool ? pool.window : 1;
  async function* inOrder(): AsyncGenerator<{ item: SourceItem; result: Promise<StepResult> | null }> {
    const source = readSources(paths)[Symbol.asyncIterator]();
    try {
      // On a stop signal no further message is read; those already read are finished, stored and counted.
      while (!o.signal?.aborted) {
        const next = await source.next();
        if (next.done) break;
        const item = next.value;
        ahead.push({ item, result: item.kind === 'record' ? pipeline(item) : null });
        if (ahead.length >= window) yield ahead.shift()!;
      }
    } finally {
      await source.return?.(undefined); // closes the file or mbox being read
    }
    while (ahead.length > 0) yield ahead.shift()!;
  }

  const consume = async () => {
    for await (const { item, result } of inOrder()) {
      const file = item.source.replace(/#\d+$/, '');
      if (file !== lastFile) {
        if (lastFile !== null) {
          files++;
          o.onProgress?.(tally, files);
        }
        lastFile = file;
      }
      if (item.kind === 'error') {
        unreadable++;
        o.log(`ingest.source_unreadable source=${item.source} error=${JSON.stringify(item.error)}`);
        continue;
      }
      batcher.add({ record: item, result: await result! });
      if (batcher.full()) await flush();
    }
    await flush();
    await stored();
  };
  try {
    await consume();
  } finally {
    await storing; // a batch still being stored when reading failed: let it finish before the store is closed
    await pool?.close(); // its threads would keep the process alive
  }
  if (lastFile !== null) {
    files++;
    o.onProgress?.(tally, files);
  }
  return { ...tally, unreadable, files, dlqFile: deadLetters.target, interrupted: o.signal?.aborted ?? false };
}

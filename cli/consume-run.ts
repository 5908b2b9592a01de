// The consume run loop: Kafka → pipeline → sink → commit, a periodic progress line (throughput, lag), and a
// graceful stop on SIGINT/SIGTERM (finish the chunk in hand, commit, print the accounting).
import type { Config } from './config.ts';
import type { Store } from '../queries/client.ts';
import { insertEvents } from '../queries/events.ts';
import { ensureSchema } from '../queries/migrate.ts';
import { accountingLine, timestamped } from '../ingest/accounting.ts';
import { openStoreWhenReady } from '../ingest/store-ready.ts';
import { Partitioners } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { createKafkaDeadLetterWriter } from '../ingest/dead-letter.ts';
import { connectOrExplain, consumerLagByPartition, createKafka, ensureTopics } from '../ingest/kafka-client.ts';
import type { Log } from '../ingest/kafka-client.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import { createTransformPool } from '../ingest/pool/pool.ts';
import type { InsertFn, RetryPolicy, Tally } from '../ingest/sink.ts';
import { addTally, createSink, emptyTally } from '../ingest/sink.ts';
import { createKafkaSource } from '../ingest/sources/kafka.ts';
import { createMetrics, startMetricsServer, storeAnswers } from '../ingest/metrics.ts';
import type { Metrics, MetricsServer } from '../ingest/metrics.ts';
import { instrumentInsert, instrumentPipeline, instrumentSink } from '../ingest/metrics-hooks.ts';

export interface ConsumeOptions {
  /** an open store to use (tests); otherwise one is opened from config.store and closed at the end */
  store?: Store;
  /** wraps the insert (tests inject faults around the real store) */
  wrapInsert?: (insert: InsertFn) => InsertFn;
  retry?: RetryPolicy;
  /** stop once the group has no lag and nothing arrived for this long */
  idleExitMs?: number;
  /** stop on SIGINT / SIGTERM (the CLI); tests call stop() instead */
  handleSignals?: boolean;
  log?: Log;
  out?: (line: string) => void;
  /** overrides config.transformWorkers (bench) */
  transformWorkers?: number;
  /** tests only: a transform worker exits when a record contains this text */
  crashMarker?: string;
}

export interface ConsumeRun {
  /** resolves with the accounting once the run has stopped and committed */
  done: Promise<Tally>;
  stop(reason?: string): void;
  readonly tally: Tally;
  /** records delivered again after this run had stored them; skipped, so not part of tally.read */
  readonly refetched: number;
  /** the group member (tests seek it to make Kafka deliver records again) */
  readonly consumer: Consumer;
  /** where /metrics, /healthz and /readyz answer (BOUNCE_METRICS_PORT), until the run has stopped */
  readonly metricsUrl: string | null;
}

export async function startConsume(config: Readonly<Config>, opts: ConsumeOptions = {}): Promise<ConsumeRun> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${timestamped(line)}\n`));
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const kafka = createKafka(config, log);
  const store = opts.store ?? (await openStoreWhenReady(config, log));
  if (opts.store) await ensureSchema(store, config);
  const admin = kafka.admin();
  await connectOrExplain(admin, config);
  const created = await ensureTopics(admin, [config.kafka.topic, config.kafka.dlqTopic], config.kafka.partitions);
  if (created.length) log(`kafka.topics_created ${created.join(',')} partitions=${config.kafka.partitions}`);
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();

  const metrics: Metrics | null = config.metrics.port === null ? null : createMetrics('consume');
  const baseInsert: InsertFn = (events, token, options) => insertEvents(store, events, token, options);
  const sink = instrumentSink(
    metrics,
    createSink({
      insert: instrumentInsert(metrics, opts.wrapInsert ? opts.wrapInsert(baseInsert) : baseInsert),
      deadLetters: createKafkaDeadLetterWriter(producer, config.kafka.dlqTopic),
      retry: opts.retry,
      log,
    }),
  );
  const transformOptions = config.parse; // exactly the transform options: a new one reaches the workers without an edit here
  const workers = opts.transformWorkers ?? config.transformWorkers;
  const pool =
    workers > 0
      ? createTransformPool({ size: workers, options: transformOptions, log, crashMarker: opts.crashMarker })
      : null;
  const tally = emptyTally();
  let refetched = 0;
  let lastReadAt = Date.now();
  let sinceLog = 0;
  const startedAt = Date.now();
  let lastLogAt = startedAt;
  let lastLogRead = 0;

  /** The group's lag, summed; per partition into the metrics. */
  const fetchLag = async (): Promise<number> => {
    const byPartition = await consumerLagByPartition(admin, config.kafka.group, config.kafka.topic);
    let lag = 0;
    for (const [partition, n] of byPartition) {
      lag += n;
      metrics?.lag.set({ topic: config.kafka.topic, partition: String(partition) }, n);
    }
    return lag;
  };

  const progress = async (): Promise<number> => {
    const lag = await fetchLag();
    const now = Date.now();
    const rate = ((tally.read - lastLogRead) * 1000) / Math.max(1, now - lastLogAt);
    log(accountingLine('consume.progress', tally, { lag, records_per_s: Math.round(rate), refetched }));
    lastLogAt = now;
    lastLogRead = tally.read;
    sinceLog = 0;
    return lag;
  };

  const source = createKafkaSource({
    kafka,
    admin,
    config,
    sink,
    log,
    pipeline: instrumentPipeline(
      metrics,
      createPipeline({ ...transformOptions, retentionDays: config.store.retentionDays }, pool?.transform),
    ),
    window: pool?.window,
    onRefetched: (_partition, count) => {
      refetched += count;
      lastReadAt = Date.now();
    },
    onTally: (t) => {
      addTally(tally, t);
      metrics?.observeTally(t);
      lastReadAt = Date.now();
      sinceLog += t.read;
      if (sinceLog >= config.logEveryRecords) void progress().catch((err) => log(`consume.lag_failed ${String(err)}`));
    },
  });

  let stopRequested: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  source.consumer.on(source.consumer.events.CRASH, (e) => {
    log(`consume.crashed restart=${e.payload.restart} error=${String(e.payload.error)}`);
    if (!e.payload.restart) stopRequested(`consumer crashed: ${String(e.payload.error)}`);
  });
  const onSignal = (sig: NodeJS.Signals) => stopRequested(sig);
  if (opts.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  // Readiness: a member of the group (joined, not crashed or stopping) and a store that answers.
  let joined = false;
  let stopping = false;
  source.consumer.on(source.consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  let server: MetricsServer | null = null;
  if (metrics && config.metrics.port !== null) {
    server = await startMetricsServer({
      port: config.metrics.port,
      host: config.metrics.host,
      metrics,
      ready: async () => {
        if (stopping) return { ready: false, detail: 'stopping' };
        if (!joined) return { ready: false, detail: `not (yet) a member of group ${config.kafka.group}` };
        const answered = await storeAnswers(store);
        return { ready: true, detail: `group ${config.kafka.group} joined, ${answered.detail}` };
      },
    });
    log(`consume.metrics url=${server.url}/metrics`);
  }

  let ticks = 0;
  const timer = setInterval(() => {
    const print = Date.now() - lastLogAt >= config.logEverySeconds * 1000;
    // With metrics on, the lag gauge is refreshed every 5 s even between progress lines.
    if (print || opts.idleExitMs || (metrics && ++ticks % 5 === 0)) void progressOrLag(print);
  }, 1000);
  const progressOrLag = async (print: boolean) => {
    try {
      const lag = print ? await progress() : await fetchLag();
      if (opts.idleExitMs && lag === 0 && Date.now() - lastReadAt >= opts.idleExitMs) stopRequested('idle');
    } catch (err) {
      log(`consume.lag_failed ${String(err)}`);
    }
  };

  try {
    await pool?.ready(); // a cold pool would hold the first batch while the group waits for it
    await source.start();
  } catch (err) {
    await pool?.close(); // its threads would keep the process alive
    await server?.close();
    throw err;
  }
  log(
    `consume.started topic=${config.kafka.topic} group=${config.kafka.group} dlq=${config.kafka.dlqTopic} store=${store.kind} transform_workers=${workers}`,
  );

  const done = (async () => {
    const reason = await stopped;
    stopping = true;
    clearInterval(timer);
    log(`consume.stopping reason=${reason}`);
    try {
      await source.stop();
      await pool?.close();
      await producer.disconnect();
      await admin.disconnect();
    } finally {
      await server?.close();
      if (!opts.store) await store.close();
      if (opts.handleSignals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
    const seconds = (Date.now() - startedAt) / 1000;
    out(
      accountingLine('consume.accounting', tally, {
        seconds: Math.round(seconds),
        records_per_s: Math.round(tally.read / Math.max(seconds, 0.001)),
        refetched,
      }),
    );
    if (reason.startsWith('consumer crashed')) throw new Error(reason);
    return tally;
  })();
  return {
    done,
    stop: (reason = 'stop') => stopRequested(reason),
    tally,
    get refetched() {
      return refetched;
    },
    consumer: source.consumer,
    metricsUrl: server?.url ?? null,
  };
}

// Prometheus metrics and health endpoints for the long-running commands (consume, produce --watch, ingest).
// One registry per run (tests run several in one process); the counters move with the run's accounting, so at
// any scrape read = stored + dead_lettered + skipped holds for what has been committed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BounceEvent } from '../transform/bounce-event.ts';
import type { Store } from '../queries/client.ts';
import type { Tally } from './sink.ts';

/** Seconds buckets from a millisecond to a minute: a record's transform, a batch insert, a produce round trip. */
const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const RECORDS = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export function createMetrics(command: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ command });
  collectDefaultMetrics({ register: registry, prefix: 'bounce_pipeline_' });
  // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool refuses them); the
  // same numbers are in nodejs_active_handles / _requests / _resources by type.
  for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
    registry.removeSingleMetric(`bounce_pipeline_nodejs_${name}`);
  const m = {
    registry,
    recordsRead: new Counter({
      name: 'bounce_records_read_total',
      help: 'Records read and accounted (stored, dead-lettered or skipped).',
      registers: [registry],
    }),
    recordsStored: new Counter({
      name: 'bounce_records_stored_total',
      help: 'Records whose events are in the store.',
      registers: [registry],
    }),
    recordsDeadLettered: new Counter({
      name: 'bounce_records_dead_lettered_total',
      help: 'Records sent to the dead-letter topic or file, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    recordsSkipped: new Counter({
      name: 'bounce_records_skipped_total',
      help: 'Records skipped (not bounces, nothing failed, older than retention), by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'bounce_events_stored_total',
      help: 'Bounce events stored, by receiving provider and category.',
      labelNames: ['provider', 'category'],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'bounce_consumer_lag_records',
      help: 'Records in the topic not yet committed by the consumer group, per partition.',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    }),
    batchRecords: new Histogram({
      name: 'bounce_batch_records',
      help: 'Records per stored batch.',
      buckets: RECORDS,
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'bounce_batch_duration_seconds',
      help: 'Time to store one batch: insert with retries and dead letters.',
      buckets: SECONDS,
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: 'bounce_store_insert_duration_seconds',
      help: 'Time of one insert attempt into the store.',
      buckets: SECONDS,
      registers: [registry],
    }),
    insertErrors: new Counter({
      name: 'bounce_store_insert_errors_total',
      help: 'Failed insert attempts; retriable ones are retried with backoff, the others dead-letter the batch.',
      labelNames: ['retriable'],
      registers: [registry],
    }),
    parseSeconds: new Histogram({
      name: 'bounce_parse_duration_seconds',
      help: 'Time from a raw record to its result (parse and classify; with transform workers, includes the wait for one).',
      buckets: SECONDS,
      registers: [registry],
    }),
    produced: new Counter({
      name: 'bounce_messages_produced_total',
      help: 'Messages acknowledged by Kafka (produce --watch).',
      registers: [registry],
    }),
    produceSeconds: new Histogram({
      name: 'bounce_produce_batch_duration_seconds',
      help: 'Time from sending a batch to Kafka to its acknowledgement and the moves in the Maildir.',
      buckets: SECONDS,
      registers: [registry],
    }),
    maildirPending: new Gauge({
      name: 'bounce_maildir_pending_messages',
      help: 'Messages in the Maildir new/ at the last look.',
      registers: [registry],
    }),
    maildirTooLarge: new Counter({
      name: 'bounce_maildir_too_large_total',
      help: 'Messages over BOUNCE_MAX_MESSAGE_BYTES left in new/.',
      registers: [registry],
    }),
  };
  return {
    ...m,
    /** Adds one batch's accounting. */
    observeTally(t: Tally): void {
      m.recordsRead.inc(t.read);
      m.recordsStored.inc(t.stored);
      for (const [reason, n] of Object.entries(t.deadLettered)) m.recordsDeadLettered.inc({ reason }, n);
      for (const [reason, n] of Object.entries(t.skipped)) m.recordsSkipped.inc({ reason }, n);
    },
    observeEvents(events: BounceEvent[]): void {
      const counts = new Map<string, number>();
      for (const e of events)
        counts.set(`${e.provider}\t${e.category}`, (counts.get(`${e.provider}\t${e.category}`) ?? 0) + 1);
      for (const [key, n] of counts) {
        const [provider, category] = key.split('\t');
        m.events.inc({ provider, category }, n);
      }
    },
    /** Wraps an async function so each call's duration lands in the histogram. */
    timed<A extends unknown[], R>(histogram: Histogram, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
      return async (...args: A) => {
        const end = histogram.startTimer();
        try {
          return await fn(...args);
        } finally {
          end();
        }
      };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export interface Readiness {
  ready: boolean;
  detail: string;
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** /metrics (Prometheus text), /healthz (the process answers), /readyz (the command's own check: 200 or 503). */
/**
 * A command's metrics and their HTTP server when a metrics port is set, logged as `<command>.metrics url=...`;
 * both null without a port.
 */
export async function serveMetrics(
  command: string,
  where: { port: number | null; host: string },
  ready: () => Promise<Readiness>,
  log: (line: string) => void,
): Promise<{ metrics: Metrics | null; server: MetricsServer | null }> {
  if (where.port === null) return { metrics: null, server: null };
  const metrics = createMetrics(command);
  const server = await startMetricsServer({ port: where.port, host: where.host, metrics, ready });
  log(`${command.replace('-', '.')}.metrics url=${server.url}/metrics`);
  return { metrics, server };
}

export async function startMetricsServer(o: {
  port: number;
  host: string;
  metrics: Metrics;
  ready: () => Promise<Readiness>;
}): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const route = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'text/plain', 'GET only\n');
    if (route === '/healthz') return reply(200, 'text/plain', 'ok\n');
    if (route === '/readyz') {
      o.ready().then(
        (r) => reply(r.ready ? 200 : 503, 'text/plain', `${r.ready ? 'ready' : 'not ready'}: ${r.detail}\n`),
        (err: unknown) => reply(503, 'text/plain', `not ready: ${String(err)}\n`),
      );
      return;
    }
    if (route === '/metrics') {
      o.metrics.registry.metrics().then(
        (text) => reply(200, o.metrics.registry.contentType, text),
        (err: unknown) => reply(500, 'text/plain', String(err)),
      );
      return;
    }
    reply(404, 'text/plain', 'try /metrics, /healthz or /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Readiness of a store-only run: the store answers a query. */
export async function storeAnswers(store: Store): Promise<Readiness> {
  await (await store.client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json();
  return { ready: true, detail: `store (${store.kind}) answers` };
}

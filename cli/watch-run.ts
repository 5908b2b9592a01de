// The `produce --watch` run: a producer, the Maildir watcher, progress lines, a clean stop on SIGTERM/SIGINT
// (the batch in hand is acknowledged and moved first) and the closing account.
import { Partitioners } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import type { Config } from './config.ts';
import { connectOrExplain } from '../ingest/kafka-client.ts';
import type { Log } from '../ingest/kafka-client.ts';
import { assertMaildir, watchMaildir } from '../ingest/sources/maildir-watch.ts';
import { serveMetrics } from '../ingest/metrics.ts';
import type { MaildirWatchSummary } from '../ingest/sources/maildir-watch.ts';

export interface WatchRunOptions {
  maildir: string;
  deleteAfter: boolean;
  pollMs: number;
  maxBatchMessages: number;
  log: Log;
  out?: (line: string) => void;
}

export function watchLine(prefix: string, s: MaildirWatchSummary, extra: Record<string, string | number> = {}): string {
  const more = Object.entries(extra)
    .map(([k, v]) => ` ${k}=${v}`)
    .join('');
  return `${prefix} produced=${s.produced} bytes=${s.bytes} moved=${s.moved} deleted=${s.deleted} too_large=${s.tooLarge} unreadable=${s.unreadable} pending=${s.pending}${more}`;
}

export async function runMaildirWatch(
  config: Readonly<Config>,
  kafka: Kafka,
  o: WatchRunOptions,
): Promise<MaildirWatchSummary> {
  const out = o.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await connectOrExplain(producer, config);
  const stop = new AbortController();
  let stoppedBy = '';
  const onSignal = (sig: NodeJS.Signals) => {
    if (stoppedBy) return;
    stoppedBy = sig;
    o.log(`produce.watch.stopping signal=${sig}: finishing the batch in hand`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { metrics, server } = await serveMetrics(
    'produce-watch',
    config.metrics,
    async () => {
      if (stoppedBy) return { ready: false, detail: 'stopping' };
      await assertMaildir(o.maildir);
      return { ready: true, detail: `watching ${o.maildir}, producer connected` };
    },
    o.log,
  );
  let tooLargeSeen = 0;
  const started = Date.now();
  let lastLog = started;
  let lastProduced = 0;
  o.log(
    `produce.watch.started maildir=${o.maildir} topic=${config.kafka.topic} after_ack=${o.deleteAfter ? 'delete' : 'move to cur/'}`,
  );
  try {
    const summary = await watchMaildir({
      maildir: o.maildir,
      producer,
      topic: config.kafka.topic,
      deleteAfter: o.deleteAfter,
      maxMessageBytes: config.parse.maxMessageBytes,
      maxBatchMessages: o.maxBatchMessages,
      pollMs: o.pollMs,
      retryMs: Math.max(1000, o.pollMs),
      signal: stop.signal,
      log: o.log,
      onLook: (pending) => metrics?.maildirPending.set(pending),
      onBatch: (s, batch) => {
        if (metrics) {
          metrics.produced.inc(batch.messages);
          metrics.produceSeconds.observe(batch.seconds);
          metrics.maildirPending.set(Math.max(0, s.pending - batch.messages));
          metrics.maildirTooLarge.inc(s.tooLarge - tooLargeSeen);
          tooLargeSeen = s.tooLarge;
        }
        const now = Date.now();
        if (now - lastLog < config.logEverySeconds * 1000 && s.produced - lastProduced < config.logEveryRecords) return;
        const rate = ((s.produced - lastProduced) * 1000) / Math.max(1, now - lastLog);
        o.log(watchLine('produce.watch.progress', s, { messages_per_s: Math.round(rate) }));
        lastLog = now;
        lastProduced = s.produced;
      },
    });
    out(
      watchLine('produce.watch.accounting', summary, {
        seconds: Math.round((Date.now() - started) / 1000),
        stopped_by: stoppedBy || 'end',
      }),
    );
    return summary;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server?.close();
    await producer.disconnect();
  }
}

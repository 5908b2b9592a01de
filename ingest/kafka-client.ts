// One place that builds kafkajs clients from Config, routes kafkajs logs to ours, and creates missing topics.
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, ITopicConfig, LogEntry } from 'kafkajs';
import type { Config } from '../cli/config.ts';
import { BouncePipelineError, ConfigError } from '../transform/errors.ts';

export type Log = (line: string) => void;

export const NO_BROKERS_HELP =
  'KAFKA_BROKERS is not set. Set it (e.g. KAFKA_BROKERS=127.0.0.1:9092) or pass --brokers; ' +
  'for a local broker run `npm run kafka -- start` first.';

export function createKafka(config: Pick<Config, 'kafka'>, log: Log, clientSuffix = ''): Kafka {
  if (config.kafka.brokers.length === 0) throw new ConfigError(NO_BROKERS_HELP);
  return new Kafka({
    clientId: `${config.kafka.clientId}${clientSuffix}`,
    brokers: [...config.kafka.brokers],
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      // The group and transaction coordinators are briefly "not available" / "loading" while a fresh broker
      // loads __consumer_offsets and __transaction_state; kafkajs retries those on its own.
      if (/coordinator is (?:not available|loading)|GroupCoordinator/.test(entry.log.message + String(entry.log.error ?? ''))) return;
      log(`kafka.${entry.label.toLowerCase()} ${entry.log.message}${entry.log.error ? `: ${entry.log.error}` : ''}`);
    },
  });
}

/** Creates the topics that do not exist yet (partitions from config; replication 1 unless the cluster sets it). */
export async function ensureTopics(admin: Admin, topics: string[], partitions: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await createTopicsAndWait(admin, missing.map((topic) => ({ topic, numPartitions: partitions })));
  }
  return missing;
}

// Metadata errors a broker gives while a topic it just created is still spreading through its metadata cache.
const TOPIC_NOT_READY = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** Creates topics and waits until every partition has a leader. kafkajs' own `waitForLeaders` gives up on
 *  UNKNOWN_TOPIC_OR_PARTITION, which a busy KRaft broker answers for a moment after the create. */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ waitForLeaders: false, topics });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: names });
      if (meta.length === names.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (!TOPIC_NOT_READY.has((err as { type?: string }).type ?? '')) throw err;
    }
    if (Date.now() > deadline) throw new BouncePipelineError(`topics ${names.join(', ')} have no leader ${timeoutMs / 1000} s after creation`, { stage: 'read', retriable: true });
    await sleep(100);
  }
}

/** Records produced but not yet committed by the group, summed over the topic's partitions. */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [high, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  for (const p of high) {
    const c = done.get(p.partition) ?? -1;
    lag += Number(p.high) - (c < 0 ? Number(p.low) : c);
  }
  return lag;
}

/** Connects a kafkajs client; a broker that does not answer becomes an error that says what to do. */
export async function connectOrExplain(client: { connect(): Promise<void> }, config: Pick<Config, 'kafka'>): Promise<void> {
  try {
    await client.connect();
  } catch (err) {
    throw new BouncePipelineError(
      `cannot reach Kafka at ${config.kafka.brokers.join(',')}: ${(err as Error).message}. ` +
        'Is the broker running? For the local one: `npm run kafka -- start` (then KAFKA_BROKERS=127.0.0.1:9092).',
      { stage: 'read', retriable: true, cause: err },
    );
  }
}

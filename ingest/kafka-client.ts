// One place that builds kafkajs clients from Config, routes kafkajs logs to ours, and creates missing topics.
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, ITopicConfig, KafkaConfig, LogEntry, RetryOptions, SASLOptions } from 'kafkajs';
import type { KafkaOptions } from './kafka-options.ts';
import { BouncePipelineError, ConfigError } from '../shared/errors.ts';

export type Log = (line: string) => void;

export const NO_BROKERS_HELP =
  'KAFKA_BROKERS is not set. Set it (e.g. KAFKA_BROKERS=127.0.0.1:9092) or pass --brokers; ' +
  'for a local broker run `npm run kafka -- start` first.';

/** How long to try (the MTA pipe gives up sooner than a long-running consumer would). */
export interface KafkaTiming {
  connectionTimeout?: number;
  retry?: RetryOptions;
}

/** SASL and TLS from config, in kafkajs terms (the TLS options go to node's tls.connect). */
export function securityOptions(config: { kafka: KafkaOptions }): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { sasl, tls } = config.kafka;
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (tls) {
    out.ssl = {
      rejectUnauthorized: true, // the certificate chain and the server name are always checked
      ...(tls.ca ? { ca: [tls.ca] } : {}),
      ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
    };
  }
  if (sasl) out.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
  return out;
}

export function createKafka(
  config: { kafka: KafkaOptions },
  log: Log,
  clientSuffix = '',
  timing: KafkaTiming = {},
): Kafka {
  if (config.kafka.brokers.length === 0) throw new ConfigError(NO_BROKERS_HELP);
  return new Kafka({
    clientId: `${config.kafka.clientId}${clientSuffix}`,
    brokers: [...config.kafka.brokers],
    ...securityOptions(config),
    ...timing,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      // The group and transaction coordinators are briefly "not available" / "loading" while a fresh broker
      // loads __consumer_offsets and __transaction_state; kafkajs retries those on its own.
      if (
        /coordinator is (?:not available|loading)|GroupCoordinator/.test(
          entry.log.message + String(entry.log.error ?? ''),
        )
      )
        return;
      log(`kafka.${entry.label.toLowerCase()} ${entry.log.message}${entry.log.error ? `: ${entry.log.error}` : ''}`);
    },
  });
}

/** Creates the topics that do not exist yet (partitions from config; replication 1 unless the cluster sets it). */
export async function ensureTopics(admin: Admin, topics: string[], partitions: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await createTopicsAndWait(
      admin,
      missing.map((topic) => ({ topic, numPartitions: partitions })),
    );
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
      if (
        meta.length === names.length &&
        meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return;
    } catch (err) {
      if (!TOPIC_NOT_READY.has((err as { type?: string }).type ?? '')) throw err;
    }
    if (Date.now() > deadline)
      throw new BouncePipelineError(`topics ${names.join(', ')} have no leader ${timeoutMs / 1000} s after creation`, {
        stage: 'read',
        retriable: true,
      });
    await sleep(100);
  }
}

/** Records produced but not yet committed by the group, per partition of the topic. */
export async function consumerLagByPartition(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Map<number, number>> {
  const [high, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  const lag = new Map<number, number>();
  for (const p of high) {
    const c = done.get(p.partition) ?? -1;
    lag.set(p.partition, Number(p.high) - (c < 0 ? Number(p.low) : c));
  }
  return lag;
}

/** The same, summed over the topic's partitions. */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  let lag = 0;
  for (const n of (await consumerLagByPartition(admin, groupId, topic)).values()) lag += n;
  return lag;
}

/** Kafka refused who we are: retrying with the same settings cannot help. */
export class KafkaAuthError extends BouncePipelineError {
  constructor(message: string, cause: unknown) {
    super(message, { stage: 'config', retriable: false, cause });
  }
}

/** Connection failures that are about our credentials or TLS settings, with what to check. First match wins. */
const SECURITY_FAILURES: { test: RegExp; advice: (c: { kafka: KafkaOptions }) => string }[] = [
  {
    test: /SASL|authentication failed|Authentication/i,
    advice: (c) =>
      `Kafka refused the SASL login of user "${c.kafka.sasl?.username ?? ''}" (mechanism ${c.kafka.sasl?.mechanism ?? 'none'}): ` +
      "check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM against the broker's listener",
  },
  {
    test: /alert bad certificate|certificate required|alert number (?:42|116)\b/i,
    advice: (c) =>
      `the broker refused our TLS client certificate${c.kafka.tls?.cert ? '' : ' (none was given)'}: set KAFKA_TLS_CERT_FILE and ` +
      'KAFKA_TLS_KEY_FILE to a certificate signed by a CA the broker trusts',
  },
  {
    test: /altnames|Hostname\/IP does not match/i,
    advice: () =>
      "the broker's TLS certificate does not name the host we connected to: connect by a name the certificate " +
      'lists, or set KAFKA_TLS_SERVERNAME to that name',
  },
  {
    test: /self[- ]signed|unable to verify|unable to get (?:local )?issuer|certificate/i,
    advice: (c) =>
      `the broker's TLS certificate is not trusted: set KAFKA_TLS_CA_FILE to the CA that signed it${c.kafka.tls?.caFile ? ` (now ${c.kafka.tls.caFile})` : ''}`,
  },
];

/** Connects a kafkajs client; a broker that does not answer or refuses us becomes an error that says what to do. */
export async function connectOrExplain(
  client: { connect(): Promise<void> },
  config: { kafka: KafkaOptions },
): Promise<void> {
  try {
    await client.connect();
  } catch (err) {
    throw explainKafkaError(err, config);
  }
}

export function explainKafkaError(err: unknown, config: { kafka: KafkaOptions }): BouncePipelineError {
  if (err instanceof BouncePipelineError) return err;
  const text = errorChain(err);
  const security = SECURITY_FAILURES.find((f) => f.test.test(text));
  if (security)
    return new KafkaAuthError(
      `cannot use Kafka at ${config.kafka.brokers.join(',')}: ${security.advice(config)} (${text})`,
      err,
    );
  // A SASL or TLS listener hangs up on a client that speaks plain Kafka to it.
  const hint =
    /Closed connection|ECONNRESET|socket hang up/i.test(text) && !config.kafka.sasl && !config.kafka.tls
      ? ' The broker hung up: if this listener expects SASL or TLS, set KAFKA_SASL_MECHANISM / KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD or KAFKA_TLS (docs/kafka.md "Security").'
      : ' Is the broker running? For the local one: `npm run kafka -- start` (then KAFKA_BROKERS=127.0.0.1:9092).';
  return new BouncePipelineError(`cannot reach Kafka at ${config.kafka.brokers.join(',')}: ${text}.${hint}`, {
    stage: 'read',
    retriable: true,
    cause: err,
  });
}

/** Runs Kafka work; a kafkajs error that escapes it becomes one that says what to check. Other errors pass. */
export async function explainingKafkaErrors<T>(config: { kafka: KafkaOptions }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Error && err.name.startsWith('KafkaJS')) throw explainKafkaError(err, config);
    throw err;
  }
}

/** kafkajs wraps the real reason (a TLS or SASL error) in retry errors; the whole chain says what happened. */
function errorChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a link without a message is a thrown string
    const message = (e as Error).message ?? String(e);
    if (!parts.includes(message)) parts.push(message);
    e = (e as { originalError?: unknown }).originalError ?? (e as Error).cause;
  }
  return parts.join(': ');
}

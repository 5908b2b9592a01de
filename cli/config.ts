// env vars + flags → one validated, frozen Config. The only module that reads process.env.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../shared/errors.ts';
import type { TransformOptions } from '../transform/bounce-event.ts';
import type { StoreOptions } from '../queries/store-options.ts';
import { SASL_MECHANISMS } from '../ingest/kafka-options.ts';
import type { KafkaOptions, KafkaSasl, KafkaTls, SaslMechanism } from '../ingest/kafka-options.ts';
import type { IngestOptions } from '../ingest/options.ts';

/** transform/'s options, all set (the config always gives each one a value). */
export type ParseOptions = Required<TransformOptions>;

/** Each layer owns its piece; this composes them. */
export interface Config extends IngestOptions {
  kafka: KafkaOptions;
  store: StoreOptions;
  parse: ParseOptions;
}

/** One per core (capped): measured faster than 0 or 1 even on 2 cores, see docs/kafka.md "Throughput". */
const DEFAULT_TRANSFORM_WORKERS = Math.min(os.availableParallelism(), 4);

export type Env = Record<string, string | undefined>;

/** Flags a command may pass to override env vars (already parsed by commander). */
export interface ConfigOverrides {
  brokers?: string;
  topic?: string;
  dlqTopic?: string;
  group?: string;
  clickhouseUrl?: string;
  dataDir?: string;
  maxMessageBytes?: string | number;
  batchRows?: string | number;
  workers?: string | number;
  saslMechanism?: string;
  saslUsername?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServername?: string;
  metricsPort?: string | number;
}

export function loadConfig(env: Env = process.env, flags: ConfigOverrides = {}): Readonly<Config> {
  const problems: string[] = [];
  const int = (
    name: string,
    raw: string | number | undefined,
    fallback: number,
    min = 0,
    max = Number.MAX_SAFE_INTEGER,
  ): number => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw} is not a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const brokersRaw = flags.brokers ?? env.KAFKA_BROKERS ?? '';
  const brokers = brokersRaw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const b of brokers) {
    if (!/^[\w.-]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(b)) problems.push(`KAFKA_BROKERS: "${b}" is not host:port`);
  }
  const url = flags.clickhouseUrl ?? env.CLICKHOUSE_URL ?? null;
  if (url) {
    try {
      const u = new URL(url);
      if (!/^https?:$/.test(u.protocol)) problems.push(`CLICKHOUSE_URL must be http(s)://host:port, got ${url}`);
    } catch {
      problems.push(`CLICKHOUSE_URL is not a URL: ${url} (example: http://localhost:8123)`);
    }
  }
  const database = env.CLICKHOUSE_DATABASE ?? 'bounces';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    problems.push(`CLICKHOUSE_DATABASE must be a plain identifier, got ${database}`);

  const sasl = kafkaSasl(env, flags, problems);
  const tls = kafkaTls(env, flags, problems);
  const metricsPortRaw = flags.metricsPort ?? env.BOUNCE_METRICS_PORT;
  const metricsPort =
    metricsPortRaw === undefined || metricsPortRaw === ''
      ? null
      : int('BOUNCE_METRICS_PORT', metricsPortRaw, 0, 0, 65535);

  const config: Config = {
    kafka: {
      brokers,
      topic: flags.topic ?? env.KAFKA_TOPIC ?? 'bounces.raw',
      dlqTopic: flags.dlqTopic ?? env.KAFKA_DLQ_TOPIC ?? 'bounces.dlq',
      group: flags.group ?? env.KAFKA_GROUP ?? 'bounce-pipeline',
      clientId: env.KAFKA_CLIENT_ID ?? 'bounce-pipeline',
      partitions: int('KAFKA_PARTITIONS', env.KAFKA_PARTITIONS, 3, 1),
      sasl,
      tls,
    },
    store: {
      url: url || null,
      user: env.CLICKHOUSE_USER ?? 'default',
      password: env.CLICKHOUSE_PASSWORD ?? '',
      database,
      dataDir: path.resolve(flags.dataDir ?? env.BOUNCE_DATA_DIR ?? './data'),
      // ClickHouse's DateTime ends in 2106: a longer TTL would expire every row at insert.
      retentionDays: int('BOUNCE_RETENTION_DAYS', env.BOUNCE_RETENTION_DAYS, 3650, 1, 29000),
      episodeGapHours: int('BOUNCE_EPISODE_GAP_HOURS', env.BOUNCE_EPISODE_GAP_HOURS, 24, 1),
      cluster: env.CLICKHOUSE_CLUSTER || null,
    },
    parse: {
      maxMessageBytes: int(
        'BOUNCE_MAX_MESSAGE_BYTES',
        flags.maxMessageBytes ?? env.BOUNCE_MAX_MESSAGE_BYTES,
        10 * 1024 * 1024,
        1024,
      ),
      hashLocalPart: env.BOUNCE_HASH_LOCAL_PART === '1' || env.BOUNCE_HASH_LOCAL_PART === 'true',
      clockSkewMinutes: int('BOUNCE_CLOCK_SKEW_MINUTES', env.BOUNCE_CLOCK_SKEW_MINUTES, 1440, 0, 525_600),
    },
    sink: {
      maxBatchRows: int('BOUNCE_BATCH_ROWS', flags.batchRows ?? env.BOUNCE_BATCH_ROWS, 20000, 1),
      flushIntervalMs: int('BOUNCE_FLUSH_INTERVAL_MS', env.BOUNCE_FLUSH_INTERVAL_MS, 1000, 10),
    },
    logEveryRecords: int('BOUNCE_LOG_EVERY_RECORDS', env.BOUNCE_LOG_EVERY_RECORDS, 10000, 1),
    logEverySeconds: int('BOUNCE_LOG_EVERY_SECONDS', env.BOUNCE_LOG_EVERY_SECONDS, 10, 1),
    metrics: { port: metricsPort, host: env.BOUNCE_METRICS_HOST || '127.0.0.1' },
    transformWorkers: int(
      'BOUNCE_TRANSFORM_WORKERS',
      flags.workers ?? env.BOUNCE_TRANSFORM_WORKERS,
      DEFAULT_TRANSFORM_WORKERS,
      0,
      64,
    ),
  };
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return deepFreeze(config);
}

const truthy = (v: string | boolean | undefined): boolean => v === true || v === '1' || v === 'true' || v === 'yes';

function kafkaSasl(env: Env, flags: ConfigOverrides, problems: string[]): KafkaSasl | null {
  const mechanism = (flags.saslMechanism ?? env.KAFKA_SASL_MECHANISM ?? '').toLowerCase();
  const username = flags.saslUsername ?? env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  if (!mechanism) {
    if (username || password)
      problems.push(
        'KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)',
      );
    return null;
  }
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    problems.push(`KAFKA_SASL_MECHANISM=${mechanism} is not one of ${SASL_MECHANISMS.join(', ')}`);
    return null;
  }
  if (!username) problems.push(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME (or --sasl-username)`);
  if (!password)
    problems.push(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_PASSWORD (environment only, never a flag)`);
  return { mechanism: mechanism as SaslMechanism, username, password };
}

function kafkaTls(env: Env, flags: ConfigOverrides, problems: string[]): KafkaTls | null {
  const caFile = flags.tlsCa ?? env.KAFKA_TLS_CA_FILE ?? '';
  const certFile = flags.tlsCert ?? env.KAFKA_TLS_CERT_FILE ?? '';
  const keyFile = flags.tlsKey ?? env.KAFKA_TLS_KEY_FILE ?? '';
  const servername = flags.tlsServername ?? env.KAFKA_TLS_SERVERNAME ?? '';
  const on = truthy(flags.tls ?? env.KAFKA_TLS) || Boolean(caFile || certFile || keyFile || servername);
  if (!on) return null;
  const pem = (name: string, file: string): string | null => {
    if (!file) return null;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`${name}=${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return null;
    }
    if (!text.includes('-----BEGIN ')) problems.push(`${name}=${file} is not a PEM file (no -----BEGIN line)`);
    return text;
  };
  if (Boolean(certFile) !== Boolean(keyFile))
    problems.push('KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together (a client certificate needs its key)');
  return {
    ca: pem('KAFKA_TLS_CA_FILE', caFile),
    cert: pem('KAFKA_TLS_CERT_FILE', certFile),
    key: pem('KAFKA_TLS_KEY_FILE', keyFile),
    servername: servername || null,
    caFile: caFile || null,
  };
}

/** A config for tests: defaults with no env, then overrides. */
export function testConfig(overrides: { [K in keyof Config]?: Partial<Config[K]> } = {}): Readonly<Config> {
  const base = loadConfig({});
  const merged = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const current = (base as unknown as Record<string, unknown>)[key];
    merged[key] = typeof current === 'object' && current !== null ? { ...current, ...(value as object) } : value;
  }
  return deepFreeze(merged as unknown as Config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

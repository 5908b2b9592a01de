// Kafka test helpers: the broker from KAFKA_BROKERS (fail loudly when unset), random topic/group names,
// produce, read a whole topic, and bounce messages rendered from test/fixtures/kafka/.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { IHeaders, Message } from 'kafkajs';
import { createTopicsAndWait } from '../../ingest/kafka-client.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/kafka');

/** The brokers the Kafka tests use. Unset → a clear failure (never a silent skip). */
export function kafkaBrokers(): string[] {
  const raw = process.env.KAFKA_BROKERS;
  if (!raw) {
    throw new Error(
      'KAFKA_BROKERS is not set: this test needs a Kafka broker. Run the suite with `npm test` (it starts one), ' +
        'or start one with `npm run kafka -- start` and run KAFKA_BROKERS=127.0.0.1:9092 npx ava <file>.',
    );
  }
  return raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

export function randomName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function testKafka(): Kafka {
  return new Kafka({ clientId: randomName('test'), brokers: kafkaBrokers(), logLevel: logLevel.ERROR });
}

export async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await createTopicsAndWait(admin, [{ topic, numPartitions }]);
  } finally {
    await admin.disconnect();
  }
}

export async function produce(topic: string, messages: Message[]): Promise<void> {
  // idempotent like the product's producers: a retried send on a busy broker must not write a record twice
  const producer = testKafka().producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads every record of a topic from the beginning (a fresh group) until `count` arrived or timeoutMs passed. */
export async function readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const consumer = testKafka().consumer({ groupId: randomName('reader'), maxWaitTimeInMs: 200 });
  const got: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          got.push({
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            headers: headerStrings(message.headers),
          });
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

function headerStrings(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v ?? '');
  return out;
}

export interface BounceSpec {
  recipient: string;
  ip: string;
  code: 'S3150' | 'S3140';
  sender?: string;
  queueId?: string;
  date?: string;
}

const TEMPLATE = fs.readFileSync(path.join(FIXTURES, 'outlook-block.eml.tmpl'), 'utf8');

/** One Postfix DSN for an Outlook.com block-list rejection of `ip` for `recipient`: one failed recipient. */
export function renderBounce(spec: BounceSpec): Buffer {
  const fill: Record<string, string> = {
    RCPT: spec.recipient,
    IP: spec.ip,
    CODE: spec.code,
    SENDER: spec.sender ?? 'news@example.net',
    QUEUE_ID: spec.queueId ?? randomBytes(5).toString('hex').toUpperCase(),
    DATE: spec.date ?? 'Tue, 13 Mar 2018 10:15:00 +0000',
  };
  return Buffer.from(TEMPLATE.replace(/\{\{(\w+)\}\}/g, (_, k: string) => fill[k] ?? `{{${k}}}`));
}

export const NOT_A_BOUNCE = fs.readFileSync(path.join(FIXTURES, 'not-a-bounce.eml'));

/** A deterministic mix: n bounces over two /24s and two codes, with the expected counts per code and listed IP. */
export function bounceSet(
  n: number,
  seed = 'set',
): { messages: Buffer[]; byCode: Record<string, number>; byIp: Record<string, number> } {
  const ips = ['198.51.100.7', '198.51.100.8', '203.0.113.25'];
  const messages: Buffer[] = [];
  const byCode: Record<string, number> = {};
  const byIp: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const ip = ips[i % ips.length];
    const code = i % 4 === 3 ? 'S3140' : 'S3150';
    const minute = String(i % 60).padStart(2, '0');
    messages.push(
      renderBounce({
        recipient: `${seed}-user${i}@hotmail.com`,
        ip,
        code,
        queueId: `Q${seed.toUpperCase().replace(/[^A-Z0-9]/g, '')}${i}`,
        date: `Tue, 13 Mar 2018 1${i % 10}:${minute}:00 +0000`,
      }),
    );
    byCode[code] = (byCode[code] ?? 0) + 1;
    byIp[ip] = (byIp[ip] ?? 0) + 1;
  }
  return { messages, byCode, byIp };
}

/** What the store holds for recipients starting with `seed-`: raw rows, distinct ids, FINAL rows, rollup counts. */
export async function storeCounts(
  client: {
    query(o: {
      query: string;
      format: 'JSONEachRow';
      query_params?: Record<string, unknown>;
    }): Promise<{ json<T>(): Promise<T[]> }>;
  },
  seed: string,
) {
  const one = async <T>(query: string): Promise<T[]> =>
    (await client.query({ query, format: 'JSONEachRow', query_params: { p: `${seed}-%` } })).json<T>();
  const [raw] = await one<{ rows: string; ids: string }>(
    'SELECT count() AS rows, uniqExact(event_id) AS ids FROM bounce_events WHERE recipient LIKE {p:String}',
  );
  const [fin] = await one<{ rows: string }>(
    'SELECT count() AS rows FROM bounce_events FINAL WHERE recipient LIKE {p:String}',
  );
  const byCode = await one<{ ms_code: string; n: string }>(
    'SELECT ms_code, count() AS n FROM bounce_events FINAL WHERE recipient LIKE {p:String} GROUP BY ms_code',
  );
  const byIp = await one<{ ip: string; n: string }>(
    "SELECT replaceOne(toString(listed_ip), '::ffff:', '') AS ip, count() AS n FROM bounce_events FINAL WHERE recipient LIKE {p:String} GROUP BY ip",
  );
  return {
    rawRows: Number(raw.rows),
    uniqueIds: Number(raw.ids),
    finalRows: Number(fin.rows),
    byCode: Object.fromEntries(byCode.map((r) => [r.ms_code, Number(r.n)])),
    byIp: Object.fromEntries(byIp.map((r) => [r.ip, Number(r.n)])),
  };
}

/** Rollup totals over the whole store (tests that own their store): plain row count and distinct events. */
export async function rollupCounts(client: {
  query(o: { query: string; format: 'JSONEachRow' }): Promise<{ json<T>(): Promise<T[]> }>;
}) {
  const [r] = await (
    await client.query({
      query: 'SELECT sum(bounces) AS bounces, uniqMerge(events) AS events FROM bounce_hourly',
      format: 'JSONEachRow',
    })
  ).json<{ bounces: string; events: string }>();
  return { bounces: Number(r.bounces), events: Number(r.events) };
}

/** Removes the topics a test created (the local broker keeps its data between runs). */
export async function deleteTopics(topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const gone = topics.filter((t) => existing.has(t));
    if (gone.length) await admin.deleteTopics({ topics: gone });
  } finally {
    await admin.disconnect();
  }
}

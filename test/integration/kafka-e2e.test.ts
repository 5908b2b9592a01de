// Real broker + real embedded ClickHouse: produce known bounces, consume them in this process, count in the store.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { Partitioners } from 'kafkajs';
import { testConfig } from '../../cli/config.ts';
import { startConsume } from '../../cli/consume-run.ts';
import { createKafka, ensureTopics } from '../../ingest/kafka-client.ts';
import { produceSources } from '../../ingest/producer.ts';
import { createPipeline } from '../../ingest/pipeline.ts';
import { kafkaDedupToken, type Processed } from '../../ingest/sink.ts';
import { toRawRecord } from '../../ingest/sources/kafka.ts';
import { insertEvents } from '../../queries/events.ts';
import { readSources } from '../../ingest/sources/files.ts';
import type { InsertFn } from '../../ingest/sink.ts';
import { StoreWriteError } from '../../shared/errors.ts';
import { freshStore, type TestStore } from '../helpers/store.ts';
import {
  bounceSet,
  createTopic,
  kafkaBrokers,
  NOT_A_BOUNCE,
  produce,
  randomName,
  readTopic,
  rollupCounts,
  storeCounts,
  testKafka,
  deleteTopics,
} from '../helpers/kafka.ts';

let store: TestStore;
// The fixtures are a 2018 incident: keep ten years so the TTL (on bounced_at) does not drop them at insert.
const RETENTION_DAYS = 3650;
test.before(async () => {
  store = await freshStore({ retentionDays: RETENTION_DAYS });
});
const topics: string[] = [];
test.after.always(async () => {
  await store?.close();
  await deleteTopics(topics);
});

const MAX_MESSAGE_BYTES = 64 * 1024;

function configFor(seed: string, partitions = 3) {
  const config = testConfig({
    kafka: {
      brokers: kafkaBrokers(),
      topic: randomName(`${seed}-raw`),
      dlqTopic: randomName(`${seed}-dlq`),
      group: randomName(`${seed}-g`),
      partitions,
    },
    store: { dataDir: store.dataDir, retentionDays: RETENTION_DAYS },
    sink: { maxBatchRows: 16, flushIntervalMs: 200 },
    parse: { maxMessageBytes: MAX_MESSAGE_BYTES },
    logEverySeconds: 1,
  });
  topics.push(config.kafka.topic, config.kafka.dlqTopic);
  return config;
}

test.serial(
  'known bounces end up in the store with exact counts; poison → DLQ with headers; skips counted',
  async (t) => {
    const config = configFor('e2e');
    await createTopic(config.kafka.topic, 3);
    const set = bounceSet(60, 'e2e');
    const poison = Buffer.alloc(MAX_MESSAGE_BYTES + 5000, 'x');
    // Partition by index so the poison sits in the middle of partition 0, with bounces after it.
    const values = [...set.messages.slice(0, 30), poison, NOT_A_BOUNCE, ...set.messages.slice(30), NOT_A_BOUNCE];
    await produce(
      config.kafka.topic,
      values.map((value, i) => ({ value, partition: i === 30 ? 0 : i % 3 })),
    );

    const lines: string[] = [];
    const run = await startConsume(config, {
      store,
      idleExitMs: 1500,
      log: (l) => lines.push(l),
      out: (l) => lines.push(l),
    });
    const tally = await run.done;

    t.is(tally.read, 63, `the consumer's log:\n${lines.join('\n')}`);
    t.is(run.refetched, 0);
    t.is(tally.stored, 60);
    t.is(tally.events, 60);
    t.deepEqual(tally.deadLettered, { message_too_large: 1 });
    t.deepEqual(tally.skipped, { not_a_bounce: 2 });
    t.true(
      lines.some((l) => /^consume\.accounting read=63 stored=60 events=60 dead_lettered=1 .*balanced=yes/.test(l)),
      lines.join('\n'),
    );

    const counts = await storeCounts(store.client, 'e2e');
    t.is(counts.rawRows, 60);
    t.is(counts.uniqueIds, 60);
    t.deepEqual(counts.byCode, set.byCode);
    t.deepEqual(counts.byIp, set.byIp);

    const [dead] = await readTopic(config.kafka.dlqTopic, 1);
    t.truthy(dead, 'a record on the DLQ topic');
    t.true(dead.value!.equals(poison), 'the DLQ record is the original bytes');
    t.is(dead.headers['dlq-reason'], 'message_too_large');
    t.is(dead.headers['dlq-stage'], 'parse');
    t.is(dead.headers['dlq-source-topic'], config.kafka.topic);
    t.is(dead.headers['dlq-partition'], '0');
    t.regex(dead.headers['dlq-offset'], /^\d+$/);
    t.regex(dead.headers['dlq-error'], /over the cap/);
    t.false(Number.isNaN(Date.parse(dead.headers['dlq-at'])));
  },
);

test.serial('a store that refuses writes for a while loses nothing and counts nothing twice', async (t) => {
  const config = configFor('refuse', 2);
  await createTopic(config.kafka.topic, 2);
  const set = bounceSet(40, 'refuse');
  await produce(
    config.kafka.topic,
    set.messages.map((value, i) => ({ value, partition: i % 2 })),
  );

  // Fault injector around the real store: the first 7 inserts fail as an outage would. The sink waits them out
  // (one log line when it starts waiting) and stores every record once.
  let refusals = 7;
  let waits = 0;
  const wrapInsert =
    (insert: InsertFn): InsertFn =>
    async (events, token) => {
      if (refusals > 0) {
        refusals--;
        throw new StoreWriteError('injected: store unavailable', true);
      }
      return insert(events, token);
    };
  const run = await startConsume(config, {
    store,
    wrapInsert,
    idleExitMs: 2000,
    retry: { initialDelayMs: 10, maxDelayMs: 50, jitter: 0.5 },
    log: (l) => {
      if (l.includes('sink.store_unavailable waiting for')) waits++;
    },
    out: () => undefined,
  });
  const tally = await run.done;
  t.is(refusals, 0);
  t.true(waits >= 1 && waits <= 7, `waited ${waits} times, one line each`);
  t.is(tally.read, 40, 'each record accounted once, although some were fetched again');
  t.is(tally.stored, 40);
  const counts = await storeCounts(store.client, 'refuse');
  t.is(counts.rawRows, 40);
  t.is(counts.uniqueIds, 40);
  t.deepEqual(counts.byCode, set.byCode);
});

test.serial(
  'produce: files and mbox → one record each, key = sha256 of the bytes, header source, bytes untouched',
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-produce-'));
    const set = bounceSet(3, 'prod');
    fs.writeFileSync(path.join(dir, 'a.eml'), set.messages[0]);
    fs.writeFileSync(
      path.join(dir, 'b.mbox'),
      set.messages
        .slice(1)
        .map((m) => `From MAILER-DAEMON Tue Mar 13 10:15:00 2018\n${m.toString()}\n`)
        .join(''),
    );
    const config = configFor('prod', 1);
    const kafka = createKafka(config, () => undefined);
    const admin = kafka.admin();
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await Promise.all([admin.connect(), producer.connect()]);
    let files = 0;
    try {
      t.deepEqual(await ensureTopics(admin, [config.kafka.topic], 1), [config.kafka.topic]);
      const summary = await produceSources(readSources([dir, path.join(dir, 'missing.eml')]), {
        producer,
        topic: config.kafka.topic,
        log: () => undefined,
        onFile: () => files++,
        maxBatchMessages: 2,
      });
      t.like(summary, { produced: 3, unreadable: 1 });
      t.is(files, 3);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
    const got = await readTopic(config.kafka.topic, 3);
    t.deepEqual(
      got.map((m) => m.headers.source),
      [path.join(dir, 'a.eml'), `${path.join(dir, 'b.mbox')}#1`, `${path.join(dir, 'b.mbox')}#2`],
    );
    t.true(got[0].value!.equals(set.messages[0]));
    for (const m of got) t.is(m.key!.toString(), createHash('sha256').update(m.value!).digest('hex'));
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test.serial(
  'a chunk inserted but not committed before a crash is rebuilt with the same token: stored once, rollups too',
  async (t) => {
    const config = configFor('replay', 1);
    const { topic, group } = config.kafka;
    await createTopic(topic, 1);
    const set = bounceSet(30, 'replay');
    await produce(
      topic,
      set.messages.map((value) => ({ value, partition: 0 })),
    );

    // The crashed consumer: it committed offset 10 with "inflight:10-19", its insert of 10..19 landed, then it died.
    const crashed = testKafka().consumer({ groupId: group, maxWaitTimeInMs: 200 });
    await crashed.connect();
    await crashed.subscribe({ topics: [topic], fromBeginning: true });
    const landed: Processed[] = [];
    const pipeline = createPipeline({ maxMessageBytes: MAX_MESSAGE_BYTES });
    await new Promise<void>((resolve) => {
      void crashed.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs makes them arrow functions
        eachBatch: async ({ batch, commitOffsetsIfNecessary }) => {
          if (landed.length > 0) return;
          for (const m of batch.messages.filter((x) => Number(x.offset) >= 10 && Number(x.offset) <= 19)) {
            const record = toRawRecord(topic, 0, m);
            landed.push({ record, result: await pipeline(record) });
          }
          await commitOffsetsIfNecessary({
            topics: [
              {
                topic,
                partitions: [
                  { partition: 0, offset: '10', metadata: 'inflight:10-19' } as { partition: number; offset: string },
                ],
              },
            ],
          });
          resolve();
        },
      });
    });
    await crashed.disconnect();
    const events = landed.flatMap((p) => (p.result.kind === 'ok' ? p.result.events : []));
    t.is(events.length, 10);
    await insertEvents(store, events, kafkaDedupToken(topic, 0, 10, 19));
    const before = await rollupCounts(store.client);

    const lines: string[] = [];
    const run = await startConsume(config, {
      store,
      idleExitMs: 1500,
      log: (l) => lines.push(l),
      out: () => undefined,
    });
    const tally = await run.done;
    t.true(
      lines.some((l) => l.includes('kafka.chunk_replayed partition=0 range=10-19')),
      lines.join('\n'),
    );
    t.is(tally.read, 20, 'offsets 10..29');
    const counts = await storeCounts(store.client, 'replay');
    t.is(counts.rawRows, 20, 'the replayed chunk was dropped as a duplicate block, not stored again');
    t.is(counts.uniqueIds, 20);
    const after = await rollupCounts(store.client);
    t.is(after.bounces - before.bounces, 10, 'the rollup counted only offsets 20..29');
  },
);

test.serial(
  'records Kafka delivers again within a run are skipped and counted as refetched: read, store and DLQ see each once',
  async (t) => {
    const config = configFor('refetch', 1);
    await createTopic(config.kafka.topic, 1);
    const set = bounceSet(20, 'refetch');
    const poison = Buffer.alloc(MAX_MESSAGE_BYTES + 10, 'y');
    await produce(
      config.kafka.topic,
      [...set.messages.slice(0, 10), poison, ...set.messages.slice(10)].map((value) => ({ value, partition: 0 })),
    );

    const lines: string[] = [];
    const run = await startConsume(config, {
      store,
      idleExitMs: 3000,
      log: (l) => lines.push(l),
      out: (l) => lines.push(l),
    });
    // Once all 21 records are in, rewind the member to offset 0: Kafka delivers the partition again, as after a lost commit.
    while (run.tally.read < 21) await new Promise((r) => setTimeout(r, 50));
    run.consumer.seek({ topic: config.kafka.topic, partition: 0, offset: '0' });
    const tally = await run.done;

    t.is(run.refetched, 21, lines.join('\n'));
    t.true(
      lines.some((l) => /^kafka\.records_refetched partition=0 range=0-\d+ count=\d+/.test(l)),
      lines.join('\n'),
    );
    t.like(tally, { read: 21, stored: 20, events: 20, deadLettered: { message_too_large: 1 } });
    t.true(
      lines.some((l) => /^consume\.accounting read=21 stored=20 .* refetched=21 balanced=yes/.test(l)),
      lines.join('\n'),
    );
    const counts = await storeCounts(store.client, 'refetch');
    t.is(counts.rawRows, 20);
    t.is(counts.uniqueIds, 20);
    const dead = await readTopic(config.kafka.dlqTopic, 2, 4000);
    t.is(dead.length, 1, 'the poison record was dead-lettered once');
  },
);

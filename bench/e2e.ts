// npm run bench:e2e -- --count 100000 [--partitions 3] [--workers 0,1] [--records corpus|template] [--rounds 3]
// Produces COUNT bounces into a fresh topic: corpus-shaped by default (copies of the Sisimai corpus files, each with
// an X-Bench-Copy header so every event_id differs; the template below when the corpus is absent), or with
// `--records template` the Microsoft fixture template and samples/. Every record has distinct bytes. Then
// it measures (1) the raw kafkajs consume rate of that topic with no work — the reference — and (2) the whole
// pipeline: consume → transform → embedded ClickHouse → commit, into a fresh store. Prints both and the ratio.
// --workers runs the pipeline once per transform worker count (BOUNCE_TRANSFORM_WORKERS) on the same topic,
// each with its own consumer group and database. --rounds repeats the reference and each pipeline run (alternating,
// a fresh group and database each time) and prints medians, the ratio of the medians and the load average, since
// other work on the machine moves these figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { loadConfig, testConfig } from '../cli/config.ts';
import { startConsume } from '../cli/consume-run.ts';
import { FETCH_MAX_BYTES, FETCH_MAX_BYTES_PER_PARTITION } from '../ingest/sources/kafka.ts';
import { readSources } from '../ingest/sources/files.ts';
import { renderBounce, REPO_ROOT } from '../test/helpers/kafka.ts';
import { openStore } from '../queries/client.ts';
import { createTopicsAndWait } from '../ingest/kafka-client.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    partitions: { type: 'string', default: '3' },
    workers: { type: 'string' },
    records: { type: 'string', default: 'corpus' },
    rounds: { type: 'string', default: '1' },
  },
});
const ROUNDS = Math.max(1, Number(values.rounds));
const CORPUS = path.join(REPO_ROOT, '../shared/corpus/sisimai/maildir/bsd');
const COUNT = Number(values.count);
const PARTITIONS = Number(values.partitions);
const env = loadConfig(process.env);
const WORKERS = (values.workers ?? String(env.transformWorkers)).split(',').map(Number);
if (WORKERS.some((w) => !Number.isInteger(w) || w < 0))
  throw new Error(`--workers takes counts like 0,1,2; got ${values.workers}`);
const brokers = env.kafka.brokers.length ? [...env.kafka.brokers] : ['127.0.0.1:9092'];
const stamp = `${Date.now().toString(36)}`;
const topic = `bench-raw-${stamp}`;
const kafka = new Kafka({ clientId: 'bench-e2e', brokers, logLevel: logLevel.ERROR });

async function samples(): Promise<Buffer[]> {
  if (values.records === 'corpus' && fs.existsSync(CORPUS)) {
    const out: Buffer[] = [];
    for await (const item of readSources([CORPUS])) if (item.kind === 'record') out.push(item.bytes);
    return out;
  }
  const dir = path.join(REPO_ROOT, 'samples');
  if (!fs.existsSync(dir)) return [];
  const out: Buffer[] = [];
  for await (const item of readSources([dir]))
    if (item.kind === 'record' && /\.eml$|#\d+$/.test(item.source)) out.push(item.bytes);
  return out;
}

function message(i: number, base: Buffer[]): Buffer {
  // Corpus records: every record a corpus file. Otherwise every 4th record is a sample. A header line makes the
  // bytes, hence the event_ids, unique.
  if (values.records === 'corpus' && base.length > 50)
    return Buffer.concat([Buffer.from(`X-Bench-Copy: ${i}\r\n`), base[i % base.length]]);
  if (base.length > 0 && i % 4 === 0)
    return Buffer.concat([Buffer.from(`X-Bench-Copy: ${i}\r\n`), base[(i / 4) % base.length]]);
  const a = (i >> 8) & 255;
  return renderBounce({
    recipient: `bench${i}@${['hotmail.com', 'outlook.com', 'live.com'][i % 3]}`,
    ip: `198.51.${100 + (a % 2)}.${i & 255}`,
    code: i % 5 === 0 ? 'S3140' : 'S3150',
    queueId: `B${i.toString(16).toUpperCase()}`,
    date: `Tue, 13 Mar 2018 ${String(8 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00 +0000`,
  });
}

async function produceAll(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, [{ topic, numPartitions: PARTITIONS }]);
  await admin.disconnect();
  const base = await samples();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < COUNT; i += 200) {
    const messages = [];
    for (let j = i; j < Math.min(COUNT, i + 200); j++) messages.push({ key: String(j), value: message(j, base) });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  return (performance.now() - t0) / 1000;
}

/** The reference: the same topic through a kafkajs consumer with the pipeline's fetch settings and no work. */
async function rawConsume(round: number): Promise<number> {
  const consumer = kafka.consumer({
    groupId: `bench-raw-${stamp}-r${round}`,
    maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
    maxBytes: FETCH_MAX_BYTES,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let n = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs makes them arrow functions
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        n += batch.messages.length;
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary({
          topics: [
            { topic, partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }] },
          ],
        });
        if (n >= COUNT) resolve();
      },
    });
  });
  const seconds = (performance.now() - t0) / 1000;
  await consumer.disconnect();
  return seconds;
}

// libchdb binds one data dir per process: every run gets its own database in it.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-bench-'));

/** CPU time of this whole process (main thread, transform workers, the embedded engine's threads), in ms. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function pipeline(
  workers: number,
  round: number,
): Promise<{ seconds: number; cpuMs: number; events: number; stored: number }> {
  const config = testConfig({
    kafka: {
      brokers,
      topic,
      dlqTopic: `${topic}-dlq`,
      group: `bench-pipe-${stamp}-w${workers}-r${round}`,
      partitions: PARTITIONS,
    },
    store: { dataDir, database: `bench_w${workers}_r${round}`, retentionDays: 29000 }, // corpus bounces go back to 2001
    sink: { maxBatchRows: 20000, flushIntervalMs: 1000 },
    logEverySeconds: 5,
    logEveryRecords: 20000,
  });
  const store = await openStore(config.store);
  const run = await startConsume(config, { store, out: () => undefined, transformWorkers: workers });
  const t0 = performance.now();
  const c0 = cpuMs();
  while (run.tally.read < COUNT) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMs() - c0;
  run.stop('done');
  const tally = await run.done;
  const [row] = await (
    await store.client.query({ query: 'SELECT uniqExact(event_id) AS n FROM bounce_events', format: 'JSONEachRow' })
  ).json<{ n: string }>();
  await store.close();
  if (tally.read !== COUNT) throw new Error(`pipeline read ${tally.read}, expected ${COUNT}`);
  return { seconds, cpuMs: cpu, events: Number(row.n), stored: tally.stored };
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`load average before: ${load()}`);
const produceS = await produceAll();
console.log(
  `produce: ${COUNT} ${values.records} records into ${topic} (${PARTITIONS} partitions) in ${produceS.toFixed(1)} s = ${Math.round(COUNT / produceS)} records/s`,
);
const rawRates: number[] = [];
const pipeRates = new Map<number, number[]>(WORKERS.map((w) => [w, []]));
const pipeCpu = new Map<number, number[]>(WORKERS.map((w) => [w, []]));
for (let round = 0; round < ROUNDS; round++) {
  const rawS = await rawConsume(round);
  rawRates.push(COUNT / rawS);
  console.log(
    `round ${round + 1} reference (raw kafkajs consume, no work): ${Math.round(COUNT / rawS)} records/s (${rawS.toFixed(1)} s)  load ${load()}`,
  );
  for (const workers of WORKERS) {
    const p = await pipeline(workers, round);
    const rate = COUNT / p.seconds;
    pipeRates.get(workers)!.push(rate);
    pipeCpu.get(workers)!.push((p.cpuMs * 1000) / COUNT);
    console.log(
      `round ${round + 1} pipeline, ${workers} transform workers (consume → transform → embedded ClickHouse → commit): ${Math.round(rate)} records/s (${p.seconds.toFixed(1)} s, CPU ${Math.round((p.cpuMs * 1000) / COUNT)} µs/record; ${p.stored} records stored, ${p.events} distinct events)  load ${load()}`,
    );
  }
}
const rawRate = median(rawRates);
console.log(`\nload average after: ${load()}`);
console.log(
  `reference (raw kafkajs consume, no work): median ${Math.round(rawRate)} records/s over ${ROUNDS} round(s)`,
);
for (const workers of WORKERS) {
  const rate = median(pipeRates.get(workers)!);
  console.log(
    `pipeline, ${workers} transform workers: median ${Math.round(rate)} records/s, CPU ${Math.round(median(pipeCpu.get(workers)!))} µs/record (all threads); ratio pipeline / reference: ${(rate / rawRate).toFixed(3)}`,
  );
}
fs.rmSync(dataDir, { recursive: true, force: true });
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics: [topic, `${topic}-dlq`] });
await admin.disconnect();

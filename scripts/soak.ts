// `npm run soak -- --records 1000000 --kills 20`: the long version of the fault suite's SIGKILL loop.
// Its own broker (KAFKA_PORT --port, default 19192, data under .kafka/port-<port>), a fresh embedded store, a
// multi-year stream of synthetic bounces (one event each, dated 2008-2025) produced straight to a topic, `consume`
// as a child process killed with SIGKILL at random points of the stream, then one consumer drains the topic.
// Prints records, kills, lost, doubled and the consumer's RSS at the start, middle and end of the stream.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { consumerEnv, kafkaLocal, runCli, storeFigures, syntheticBounce, type Child } from './fault-kit.ts';
import { createTopicsAndWait } from '../ingest/kafka-client.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    kills: { type: 'string', default: '20' },
    port: { type: 'string', default: '19192' },
    partitions: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const records = Number(values.records);
const kills = Number(values.kills);
const port = Number(values.port);
if (!(records > 0) || !(kills >= 0) || !(port > 0))
  throw new Error('usage: npm run soak -- --records N --kills K [--port P]');

const say = (s: string) => process.stderr.write(`${new Date().toISOString()} soak: ${s}\n`);
const brokers = `127.0.0.1:${port}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-soak-'));
const topic = `soak-${Date.now().toString(36)}`;
const env = consumerEnv({
  brokers,
  topic,
  group: `${topic}-g`,
  dataDir: path.join(work, 'data'),
  extra: { BOUNCE_BATCH_ROWS: '5000', BOUNCE_FLUSH_INTERVAL_MS: '1000', BOUNCE_LOG_EVERY_RECORDS: '5000' },
});

function rssKiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The read count of a child's last progress line. */
const lastRead = (c: Child): number =>
  Number([...c.stderr().matchAll(/consume\.progress read=(\d+)/g)].pop()?.[1] ?? 0);

async function main(): Promise<void> {
  const started = Date.now();
  await kafkaLocal('reset', port);
  await kafkaLocal('start', port);
  try {
    const kafka = new Kafka({ clientId: 'soak', brokers: [brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [
      { topic, numPartitions: Number(values.partitions) },
      { topic: `${topic}-dlq`, numPartitions: 1 },
    ]);
    await admin.disconnect();
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    for (let i = 0; i < records; i += 2000) {
      const messages = [];
      for (let j = i; j < Math.min(records, i + 2000); j++) messages.push({ value: syntheticBounce('soak', j) });
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
      if (i % 100_000 === 0) say(`produced ${i}/${records}`);
    }
    await producer.disconnect();
    say(`produced ${records} records in ${Math.round((Date.now() - started) / 1000)} s`);

    // Kill points: random places in the stream (by records read across the children), in order.
    const points = Array.from({ length: kills }, () => Math.floor(Math.random() * records * 0.95)).sort(
      (a, b) => a - b,
    );
    const rss: { at: string; kib: number }[] = [];
    let done = 0;
    let landed = 0;
    const sample = (c: Child, at: string) => {
      const kib = rssKiB(c.pid);
      if (kib) rss.push({ at, kib });
    };
    for (const point of points) {
      const child = runCli(['consume'], env);
      await child.waitFor(/consume\.started/, 300_000);
      while (done + lastRead(child) < point) {
        if (rss.length === 0 && lastRead(child) > 0) sample(child, 'start');
        if (!rss.some((r) => r.at === 'middle') && done + lastRead(child) >= records / 2) sample(child, 'middle');
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      const { signal } = await child.exit;
      if (signal === 'SIGKILL') landed++;
      done += lastRead(child);
      say(`kill ${landed}/${kills} near record ${done} (target ${point})`);
    }
    const last = runCli(['consume', '--idle-exit-ms', '5000'], env);
    const timer = setInterval(() => {
      if (rss.length === 0 && lastRead(last) > 0) sample(last, 'start');
      if (!rss.some((r) => r.at === 'middle') && done + lastRead(last) >= records / 2) sample(last, 'middle');
      if (/lag=0/.test(last.stderr().split('\n').slice(-3).join('\n'))) sample(last, 'end');
    }, 200);
    const { code } = await last.exit;
    clearInterval(timer);
    if (code !== 0) throw new Error(`the draining consumer failed (${code}):\n${last.stderr().slice(-3000)}`);
    const ends = rss.filter((r) => r.at === 'end');
    const figures = await storeFigures(env.BOUNCE_DATA_DIR);
    const lost = records - figures.ids;
    const doubled = figures.rows - figures.ids;
    const mib = (at: string) => {
      const r = at === 'end' ? ends[ends.length - 1] : rss.find((x) => x.at === at);
      return r ? `${Math.round(r.kib / 1024)} MiB` : 'n/a';
    };
    process.stdout.write(
      `soak records=${records} kills=${landed} lost=${lost} doubled=${doubled} stored_events=${figures.ids} rows=${figures.rows} ` +
        `final_rows=${figures.final} rollup_bounces=${figures.hourlyEvents} rss_start=${mib('start')} rss_middle=${mib('middle')} rss_end=${mib('end')} ` +
        `seconds=${Math.round((Date.now() - started) / 1000)}\n`,
    );
    if (lost !== 0 || doubled !== 0) process.exitCode = 1;
  } finally {
    await kafkaLocal('stop', port).catch(() => undefined);
    if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();

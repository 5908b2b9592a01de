// The fault suite (issue 9): `consume` as a child process against a real Kafka broker and the real embedded engine.
// - a SIGKILL loop over a multi-year archive, then a drain: every parsed event stored exactly once;
// - poison records in a good stream: binary, oversized, future dates, a batch spanning 150 months, 40 KB fields;
// - the broker stopped ~30 s mid-run, then started again;
// - the store unavailable (a server URL that refuses connections), then back.
// It starts its own broker on 19092 (scripts/kafka-local.sh, KAFKA_DIR .kafka/port-19092) so it may stop it; the
// shared broker is never touched. Sized for CI (about 4 minutes); `npm run soak` runs the long version.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { Kafka, logLevel } from 'kafkajs';
import { parseAccounting } from '../../ingest/accounting.ts';
import {
  consumerEnv,
  drain,
  kafkaLocal,
  killLoop,
  monthDate,
  parsedEventIds,
  produceDir,
  runCli,
  storeFigures,
  syntheticBounce,
  writeArchive,
} from '../../scripts/fault-kit.ts';
import { renderBounce } from '../helpers/kafka.ts';
import { createTopicsAndWait } from '../../ingest/kafka-client.ts';

const PORT = 19092;
const BROKERS = `127.0.0.1:${PORT}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-fault-'));
let n = 0;
const fresh = (what: string) => {
  n++;
  const dir = path.join(work, `${n}-${what}`);
  fs.mkdirSync(dir, { recursive: true });
  return {
    dir,
    data: path.join(dir, 'data'),
    archive: path.join(dir, 'archive'),
    topic: `fault-${what}-${Date.now().toString(36)}`,
    group: `fault-${what}-g`,
  };
};

async function createTopic(topic: string, partitions = 3): Promise<void> {
  const admin = new Kafka({ clientId: 'fault-admin', brokers: [BROKERS], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await createTopicsAndWait(admin, [
      { topic, numPartitions: partitions },
      { topic: `${topic}-dlq`, numPartitions: 1 },
    ]);
  } finally {
    await admin.disconnect();
  }
}

async function committedOffsets(group: string, topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'fault-admin', brokers: [BROKERS], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return t.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

test.before(async () => {
  await kafkaLocal('reset', PORT);
  await kafkaLocal('start', PORT);
});
test.after.always(async () => {
  await kafkaLocal('stop', PORT).catch(() => undefined);
  fs.rmSync(work, { recursive: true, force: true });
});

test.serial(
  'SIGKILL 8 times at random moments over a multi-year archive, then drain: every parsed event stored exactly once',
  async (t) => {
    t.timeout(10 * 60_000); // a slow CI machine: the suite's own limit, not ava's 5 min of silence
    const f = fresh('kill');
    const files = writeArchive(f.archive, { synthetic: 5200, seed: 'kill' });
    const want = await parsedEventIds([f.archive]);
    t.is(want.size, files, 'parse finds one event per synthetic bounce');
    await createTopic(f.topic);
    const env = consumerEnv({
      brokers: BROKERS,
      topic: f.topic,
      group: f.group,
      dataDir: f.data,
      extra: { BOUNCE_BATCH_ROWS: '50', BOUNCE_LOG_EVERY_SECONDS: '1', BOUNCE_TRANSFORM_WORKERS: '0' },
    });
    await produceDir(f.archive, env);

    const { kills } = await killLoop(env, 8, { minMs: 0, maxMs: 1500, log: (s) => t.log(s) });
    t.is(kills, 8);
    const last = await drain({ ...env, BOUNCE_BATCH_ROWS: '1000', BOUNCE_TRANSFORM_WORKERS: '2' });
    t.is((await last.exit).code, 0, last.stderr().slice(-2000));
    t.regex(last.stdout(), /consume\.accounting .*balanced=yes/);

    const got = await storeFigures(f.data);
    t.is(got.rows, want.size, 'count() = what parse finds');
    t.is(got.ids, want.size, 'uniqExact(event_id) = what parse finds');
    t.is(await got.missing(want), 0);
    t.is(got.hourlyEvents, want.size, 'the rollup row count: no chunk counted twice');
    t.is(got.codeEvents, want.size);
  },
);

test.serial(
  'poison in a good stream: binary, oversized, future dates, a chunk spanning 150 months, 40 KB fields',
  async (t) => {
    t.timeout(5 * 60_000); // a slow CI machine: the suite's own limit, not ava's 5 min of silence
    const f = fresh('poison');
    const put = (name: string, bytes: Buffer) => {
      fs.mkdirSync(path.dirname(path.join(f.archive, name)), { recursive: true });
      fs.writeFileSync(path.join(f.archive, name), bytes);
    };
    for (let i = 0; i < 300; i++) put(`good/${i}.eml`, syntheticBounce('good', i));
    for (let i = 0; i < 5; i++) put(`binary/${i}.bin`, randomBytes(4096 + i));
    for (let i = 0; i < 2; i++)
      put(`oversized/${i}.eml`, Buffer.concat([syntheticBounce('big', i), Buffer.alloc(300 * 1024, 'x')]));
    const now = new Date();
    for (let m = 0; m < 150; m++) {
      put(
        `future/${m}.eml`,
        renderBounce({
          recipient: `future-${m}@hotmail.com`,
          ip: '198.51.100.9',
          code: 'S3150',
          queueId: `FUT${m}`,
          date: monthDate(now.getUTCFullYear(), now.getUTCMonth() + 1 + m),
        }),
      );
      put(
        `span/${m}.eml`,
        renderBounce({
          recipient: `span-${m}@hotmail.com`,
          ip: '198.51.100.10',
          code: 'S3140',
          queueId: `SPAN${m}`,
          date: monthDate(2010, m),
        }),
      );
    }
    // A 40 KB sender is past what the parser reads of a line (MAX_LINE_CHARS): stored with no sender. A 1,500-character
    // one is read, and cut at its column cap with the marker.
    put(
      'huge/0.eml',
      renderBounce({
        recipient: 'huge@hotmail.com',
        ip: '198.51.100.11',
        code: 'S3150',
        sender: `${'s'.repeat(40_000)}@example.net`,
        queueId: 'HUGE0',
      }),
    );
    put(
      'long/0.eml',
      renderBounce({
        recipient: 'long@hotmail.com',
        ip: '198.51.100.11',
        code: 'S3150',
        sender: `${'s'.repeat(1_500)}@example.net`,
        queueId: 'LONG0',
      }),
    );
    await createTopic(f.topic, 1);
    const env = consumerEnv({
      brokers: BROKERS,
      topic: f.topic,
      group: f.group,
      dataDir: f.data,
      extra: {
        BOUNCE_MAX_MESSAGE_BYTES: String(256 * 1024),
        BOUNCE_BATCH_ROWS: '2000',
        BOUNCE_FLUSH_INTERVAL_MS: '3000',
      },
    });
    const want = await parsedEventIds([f.archive], { BOUNCE_MAX_MESSAGE_BYTES: env.BOUNCE_MAX_MESSAGE_BYTES });
    t.is(
      want.size,
      300 + 150 + 150 + 2,
      'parse, with the same size cap, finds the good, the future, the 150-month and the long-sender ones',
    );
    await produceDir(f.archive, env);
    const run = await drain(env);
    t.is((await run.exit).code, 0, run.stderr().slice(-2000));
    const acc = parseAccounting(run.stdout());
    t.regex(run.stdout(), /balanced=yes/);
    t.is(acc.read, 300 + 5 + 2 + 150 + 150 + 2, 'every record read once and accounted');
    t.regex(run.stdout(), /message_too_large:2/);
    t.regex(run.stdout(), /adjusted=\d+ \(.*date_in_future:150/);
    t.regex(run.stdout(), /cut:sender:1/);
    t.notRegex(run.stderr(), /store_unavailable|store\.unavailable/, 'no chunk waited on the store');

    const got = await storeFigures(f.data);
    t.is(got.rows, want.size);
    t.is(got.ids, want.size);
    t.is(
      await got.missing(want),
      0,
      'the good records around the poison are stored, and so are the 150-month chunk and the clamped ones',
    );
    t.is(got.adjusted.date_in_future, 150);
    t.true(
      got.maxBouncedAt <= new Date(Date.now() + 86_400_000).toISOString().replace('T', ' ').slice(0, 19),
      `nothing lands in the future (max ${got.maxBouncedAt})`,
    );
  },
);

test.serial(
  'the broker stopped for about 30 s mid-run, then started again: the consumer waits, resumes, loses nothing',
  async (t) => {
    t.timeout(6 * 60_000); // a slow CI machine: the suite's own limit, not ava's 5 min of silence
    const f = fresh('broker');
    writeArchive(f.archive, { synthetic: 1500, seed: 'broker' });
    const want = await parsedEventIds([f.archive]);
    await createTopic(f.topic);
    const env = consumerEnv({
      brokers: BROKERS,
      topic: f.topic,
      group: f.group,
      dataDir: f.data,
      extra: { BOUNCE_BATCH_ROWS: '30' },
    });
    await produceDir(f.archive, env);
    const child = runCli(['consume', '--idle-exit-ms', '5000'], env);
    await child.waitFor(/consume\.progress read=[1-9]/);
    await kafkaLocal('stop', PORT);
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 30_000));
    await kafkaLocal('start', PORT);
    t.log(`broker down for ${Math.round((Date.now() - stoppedAt) / 1000)} s`);
    const { code } = await child.exit;
    t.is(code, 0, child.stderr().slice(-3000));
    t.regex(child.stdout(), /balanced=yes/);
    const got = await storeFigures(f.data);
    t.is(got.rows, want.size);
    t.is(got.ids, want.size);
    t.is(await got.missing(want), 0);
  },
);

test.serial(
  'the store unavailable (a server URL that refuses connections), then back: nothing committed meanwhile, nothing lost',
  async (t) => {
    t.timeout(5 * 60_000); // a slow CI machine: the suite's own limit, not ava's 5 min of silence
    const f = fresh('store');
    writeArchive(f.archive, { synthetic: 1000, seed: 'store' });
    const want = await parsedEventIds([f.archive]);
    await createTopic(f.topic);
    const env = consumerEnv({ brokers: BROKERS, topic: f.topic, group: f.group, dataDir: f.data });
    await produceDir(f.archive, env);

    const down = runCli(['consume'], { ...env, CLICKHOUSE_URL: 'http://127.0.0.1:9' });
    await down.waitFor(/store\.unavailable waiting for the store to accept connections/);
    await new Promise((r) => setTimeout(r, 5000));
    t.is((down.stderr().match(/store\.unavailable/g) ?? []).length, 1, 'one line says what we wait for');
    t.is(await committedOffsets(f.group, f.topic), 0, 'nothing committed while the store is away');
    down.kill('SIGTERM');
    await down.exit;

    const back = await drain(env);
    t.is((await back.exit).code, 0, back.stderr().slice(-2000));
    t.is(parseAccounting(back.stdout()).read, want.size);
    const got = await storeFigures(f.data);
    t.is(got.rows, want.size);
    t.is(got.ids, want.size);
  },
);

// `consume` as a child process against the real broker and an embedded store: SIGKILL mid-run then restart loses
// nothing and counts nothing twice (raw rows, FINAL, and the rollup's plain row count); SIGTERM is graceful.
// libchdb binds one data dir per process, so this process opens the store only in the last test, after every child.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { testConfig } from '../../cli/config.ts';
import { parseAccounting } from '../../ingest/accounting.ts';
import { openStore } from '../../queries/client.ts';
import {
  bounceSet,
  createTopic,
  kafkaBrokers,
  produce,
  randomName,
  REPO_ROOT,
  rollupCounts,
  storeCounts,
  deleteTopics,
} from '../helpers/kafka.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-sigkill-'));
const CLI = path.join(REPO_ROOT, 'bin/bounce-pipeline.js');
const N = 1200;
const expected: Record<string, ReturnType<typeof bounceSet>> = {};

interface Child {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stderr: () => string;
  kill(sig: NodeJS.Signals): void;
  waitFor(re: RegExp): Promise<void>;
}

function consume(topic: string, group: string, extra: string[] = []): Child {
  const child = spawn(process.execPath, [CLI, 'consume', ...extra], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}-dlq`,
      KAFKA_GROUP: group,
      BOUNCE_DATA_DIR: dataDir,
      BOUNCE_RETENTION_DAYS: '3650',
      BOUNCE_BATCH_ROWS: '20',
      BOUNCE_FLUSH_INTERVAL_MS: '200',
      BOUNCE_LOG_EVERY_RECORDS: '60',
      BOUNCE_LOG_EVERY_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
    for (const w of [...waiters])
      if (w.re.test(err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    exit,
    stdout: () => out,
    stderr: () => err,
    kill: (sig) => child.kill(sig),
    waitFor: (re) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(err)) return resolve();
        waiters.push({ re, resolve });
        void exit.then(() => reject(new Error(`consume exited before ${re}:\n${err.slice(-3000)}`)));
      }),
  };
}

const topics: string[] = [];
test.after.always(async () => {
  await deleteTopics(topics);
});

async function setUp(seed: string) {
  const topic = randomName(`${seed}-raw`);
  topics.push(topic, `${topic}-dlq`);
  await createTopic(topic, 3);
  expected[seed] = bounceSet(N, seed);
  await produce(
    topic,
    expected[seed].messages.map((value, i) => ({ value, partition: i % 3 })),
  );
  return { topic, group: randomName(`${seed}-g`) };
}

test.serial('SIGKILL mid-run, then restart: the restarted run drains the topic', async (t) => {
  const { topic, group } = await setUp('kill');
  const first = consume(topic, group);
  await first.waitFor(/consume\.progress read=([1-9]\d{2,})/); // some chunks committed, most of the topic left
  first.kill('SIGKILL');
  t.is((await first.exit).signal, 'SIGKILL');
  t.false(first.stdout().includes('consume.accounting'), 'a killed run prints no accounting');

  const second = consume(topic, group, ['--idle-exit-ms', '2500']);
  const { code } = await second.exit;
  t.is(code, 0, second.stderr().slice(-2000));
  const acc = parseAccounting(second.stdout());
  t.true(acc.read > 0 && acc.read < N + 200, `second run read ${acc.read}`);
  t.regex(second.stdout(), /consume\.accounting .*balanced=yes/);
  // Whether the kill hit between an insert and its commit is up to timing; say when the replay path ran.
  t.log(
    second.stderr().includes('kafka.chunk_replayed')
      ? 'an interrupted chunk was rebuilt from its inflight commit'
      : 'the kill fell between chunks',
  );
});

test.serial(
  'SIGTERM: finish the chunk, commit, print the accounting, exit 0; a restart picks up the rest',
  async (t) => {
    const { topic, group } = await setUp('term');
    const first = consume(topic, group);
    await first.waitFor(/consume\.progress read=\d+/);
    first.kill('SIGTERM');
    const { code, signal } = await first.exit;
    t.is(signal, null);
    t.is(code, 0, first.stderr().slice(-2000));
    t.regex(
      first.stdout(),
      /^consume\.accounting read=\d+ stored=\d+ events=\d+ dead_lettered=0 skipped=0 .*balanced=yes$/m,
    );
    const firstRead = parseAccounting(first.stdout()).read;

    const second = consume(topic, group, ['--idle-exit-ms', '2500']);
    t.is((await second.exit).code, 0, second.stderr().slice(-2000));
    // A graceful stop commits what it stored: the restart reads exactly the rest.
    t.is(firstRead + parseAccounting(second.stdout()).read, N);
  },
);

test.serial('the store holds every bounce exactly once: raw rows, FINAL, distinct ids, rollup row count', async (t) => {
  const store = await openStore(testConfig({ store: { dataDir, retentionDays: 3650 } }).store);
  try {
    const [diag] = await (
      await store.client.query({
        query: 'SELECT count() AS n, any(recipient) AS r, currentDatabase() AS db FROM bounce_events',
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>();
    t.log('store:', JSON.stringify(diag));
    for (const seed of ['kill', 'term']) {
      const c = await storeCounts(store.client, seed);
      t.is(c.uniqueIds, N, `${seed}: distinct event ids`);
      t.is(c.finalRows, N, `${seed}: FINAL rows`);
      t.deepEqual(c.byCode, expected[seed].byCode);
      t.deepEqual(c.byIp, expected[seed].byIp);
    }
    // Block dedup (same insert token for a replayed chunk) keeps even the rollup's plain count exact.
    const rollup = await rollupCounts(store.client);
    t.is(rollup.events, 2 * N);
    t.is(rollup.bounces, 2 * N);
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// `produce --watch MAILDIR` as a child process against the real broker: messages keep arriving in new/, the
// watcher is SIGKILLed mid-run and restarted, then stopped with SIGTERM. Nothing is lost (new/ empties, every
// message reaches the topic and the store) and nothing is doubled in the store (a replayed file has the same event
// ids). --delete removes acknowledged files instead of moving them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { testConfig } from '../../cli/config.ts';
import { startConsume } from '../../cli/consume-run.ts';
import type { TestStore } from '../helpers/store.ts';
import { withStoreAndTopics } from '../helpers/kafka-run.ts';
import { bounceSet, kafkaBrokers, randomName, readTopic, REPO_ROOT, storeCounts } from '../helpers/kafka.ts';

const CLI = path.join(REPO_ROOT, 'bin/bounce-pipeline.js');
let store: TestStore;
const { tmp, topics } = withStoreAndTopics(test, 'bp-watch-', (s) => {
  store = s;
});

function maildir(name: string): string {
  const dir = path.join(tmp, name);
  for (const sub of ['tmp', 'new', 'cur']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  return dir;
}

/** Delivers like an MDA: write into tmp/, then rename into new/. */
function deliver(dir: string, messages: Buffer[], from: number): void {
  messages.forEach((m, i) => {
    const name = `${1520000000 + from + i}.M${from + i}P1.mx.example.net`;
    fs.writeFileSync(path.join(dir, 'tmp', name), m);
    fs.renameSync(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
  });
}

function watch(dir: string, topic: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [CLI, 'produce', '--watch', dir, '--batch-messages', '10', '--poll-ms', '100', ...extra],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        BOUNCE_LOG_EVERY_RECORDS: '10',
        BOUNCE_LOG_EVERY_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const until = async (cond: () => boolean, what: string) => {
    const deadline = Date.now() + 60_000;
    while (!cond()) {
      if (child.exitCode !== null) throw new Error(`watcher exited before ${what}:\n${err}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${err}`);
      await sleep(50);
    }
  };
  return { child, exit, stdout: () => out, stderr: () => err, until };
}

const count = (dir: string, sub: string) => fs.readdirSync(path.join(dir, sub)).length;

test.serial(
  'SIGKILL mid-run, restart, SIGTERM: new/ empties, every message is in Kafka, the store holds each once',
  async (t) => {
    const topic = randomName('watch-raw');
    topics.push(topic, `${topic}-dlq`);
    const dir = maildir('kill');
    const set = bounceSet(240, 'watch');
    deliver(dir, set.messages.slice(0, 160), 0);

    const first = watch(dir, topic);
    await first.until(() => /produce\.watch\.progress produced=([3-9]\d|\d{3})/.test(first.stderr()), 'some batches');
    deliver(dir, set.messages.slice(160, 200), 160); // the MDA goes on delivering
    first.child.kill('SIGKILL');
    t.is((await first.exit).signal, 'SIGKILL');
    t.true(count(dir, 'new') > 0, 'the kill left work for the restart');
    deliver(dir, set.messages.slice(200), 200);

    const second = watch(dir, topic);
    await second.until(() => count(dir, 'new') === 0 && count(dir, 'cur') === 240, 'new/ to empty');
    second.child.kill('SIGTERM');
    const { code } = await second.exit;
    t.is(code, 0, second.stderr());
    t.regex(
      second.stdout(),
      /^produce\.watch\.accounting produced=\d+ bytes=\d+ moved=\d+ deleted=0 too_large=0 unreadable=0 pending=0 seconds=\d+ stopped_by=SIGTERM$/m,
    );
    t.true(
      fs.readdirSync(path.join(dir, 'cur')).every((n) => n.endsWith(':2,')),
      'cur/ names carry the Maildir info suffix',
    );

    const records = await readTopic(topic, 240 + 10, 8000);
    const distinct = new Set(records.map((r) => r.key!.toString()));
    t.is(distinct.size, 240, 'every message reached Kafka');
    t.true(records.length <= 250, `replayed at most one batch: ${records.length} records`);
    t.log(`${records.length - 240} record(s) produced twice (the kill fell between an ack and the moves)`);

    const config = testConfig({
      kafka: { brokers: kafkaBrokers(), topic, dlqTopic: `${topic}-dlq`, group: randomName('watch-g') },
      store: { dataDir: store.dataDir, retentionDays: 3650 },
      sink: { maxBatchRows: 50, flushIntervalMs: 200 },
    });
    const run = await startConsume(config, { store, idleExitMs: 1500, log: () => undefined, out: () => undefined });
    const tally = await run.done;
    t.is(tally.read, records.length);
    const counts = await storeCounts(store.client, 'watch');
    t.is(counts.uniqueIds, 240);
    t.is(counts.rawRows, 240, 'a replayed file adds no row');
    t.is(counts.finalRows, 240);
    t.deepEqual(counts.byCode, set.byCode);
  },
);

test.serial('--delete removes acknowledged files; a stop with nothing to do is clean', async (t) => {
  const topic = randomName('watch-del');
  topics.push(topic);
  const dir = maildir('delete');
  deliver(dir, bounceSet(15, 'wdel').messages, 0);
  const w = watch(dir, topic, ['--delete']);
  await w.until(() => count(dir, 'new') === 0, 'new/ to empty');
  await sleep(300);
  w.child.kill('SIGTERM');
  t.is((await w.exit).code, 0, w.stderr());
  t.is(count(dir, 'cur'), 0);
  t.regex(w.stdout(), /produce\.watch\.accounting produced=15 .*moved=0 deleted=15 /);
  t.is((await readTopic(topic, 15)).length, 15);
});

test.serial('not a Maildir: a clear error', async (t) => {
  const w = watch(path.join(tmp, 'nothing-here'), randomName('watch-none'));
  const { code } = await w.exit;
  t.is(code, 2);
  t.regex(w.stderr(), /is not a Maildir: .*new is missing/);
});

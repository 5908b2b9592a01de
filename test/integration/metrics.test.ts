// Prometheus metrics of consume (in process, real broker, embedded store), ingest and produce --watch: the real
// endpoint is scraped, `promtool check metrics` accepts the exposition, and the counters equal the run's account.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { testConfig } from '../../cli/config.ts';
import { startConsume } from '../../cli/consume-run.ts';
import { ingestFiles } from '../../cli/file-ingest.ts';
import { createMetrics } from '../../ingest/metrics.ts';
import type { TestStore } from '../helpers/store.ts';
import { withStoreAndTopics } from '../helpers/kafka-run.ts';
import {
  bounceSet,
  createTopic,
  kafkaBrokers,
  NOT_A_BOUNCE,
  produce,
  randomName,
  REPO_ROOT,
} from '../helpers/kafka.ts';

const PROMTOOL = spawnSync('sh', ['-c', 'command -v promtool']).stdout.toString().trim();
let store: TestStore;
const { tmp, topics } = withStoreAndTopics(test, 'bp-metrics-', (s) => {
  store = s;
});

/** promtool's verdict on an exposition: exit 0 and no lint output. */
function promtool(t: import('ava').ExecutionContext, text: string): void {
  if (!PROMTOOL) throw new Error('promtool not found: apt-get install -y prometheus (Debian package with promtool)');
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.is(r.status, 0, `promtool check metrics:\n${r.stdout}${r.stderr}`);
  t.is(`${r.stdout}${r.stderr}`.trim(), '', 'no lint findings');
}

/** Sample value by name and labels (label order as exposed does not matter). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

function sumOf(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

const MAX = 64 * 1024;

test.serial('consume: /metrics passes promtool, counters equal the account; /healthz and /readyz answer', async (t) => {
  const topic = randomName('metrics-raw');
  topics.push(topic, `${topic}-dlq`);
  await createTopic(topic, 2);
  const set = bounceSet(40, 'metrics');
  await produce(
    topic,
    [...set.messages, NOT_A_BOUNCE, Buffer.alloc(MAX + 10, 'x')].map((value, i) => ({ value, partition: i % 2 })),
  );
  const config = testConfig({
    kafka: { brokers: kafkaBrokers(), topic, dlqTopic: `${topic}-dlq`, group: randomName('metrics-g') },
    store: { dataDir: store.dataDir, retentionDays: 3650 },
    sink: { maxBatchRows: 8, flushIntervalMs: 200 },
    parse: { maxMessageBytes: MAX },
    metrics: { port: 0, host: '127.0.0.1' },
  });
  const run = await startConsume(config, { store, log: () => undefined, out: () => undefined });
  t.truthy(run.metricsUrl);
  const url = run.metricsUrl!;
  t.is((await fetch(`${url}/healthz`)).status, 200);
  const deadline = Date.now() + 60_000;
  let text = '';
  // Wait for the whole topic and a lag refresh that sees it committed.
  while (Date.now() < deadline) {
    text = await (await fetch(`${url}/metrics`)).text();
    if (
      run.tally.read === 42 &&
      sumOf(text, 'bounce_consumer_lag_records') === 0 &&
      text.includes('bounce_consumer_lag_records{')
    )
      break;
    await sleep(300);
  }
  const ready = await fetch(`${url}/readyz`);
  t.is(ready.status, 200, await ready.clone().text());
  t.regex(await ready.text(), /^ready: group .* joined, store \(embedded\) answers/);
  run.stop();
  const tally = await run.done;
  await t.throwsAsync(fetch(`${url}/metrics`), undefined, 'the endpoint closes with the run');

  promtool(t, text);
  t.is(sample(text, 'bounce_records_read_total'), tally.read);
  t.is(tally.read, 42);
  t.is(sample(text, 'bounce_records_stored_total'), tally.stored);
  t.is(
    sample(text, 'bounce_records_dead_lettered_total', { reason: 'message_too_large' }),
    tally.deadLettered.message_too_large,
  );
  t.is(sample(text, 'bounce_records_skipped_total', { reason: 'not_a_bounce' }), tally.skipped.not_a_bounce);
  t.is(sumOf(text, 'bounce_events_stored_total'), tally.events);
  t.is(sample(text, 'bounce_events_stored_total', { provider: 'microsoft', category: 'ip_blocklist' }), 40);
  t.is(sample(text, 'bounce_consumer_lag_records', { topic, partition: '0' }), 0);
  t.is(sample(text, 'bounce_consumer_lag_records', { topic, partition: '1' }), 0);
  t.is(sample(text, 'bounce_batch_records_sum'), tally.read);
  t.is(sample(text, 'bounce_parse_duration_seconds_count'), tally.read);
  t.true((sample(text, 'bounce_store_insert_duration_seconds_count') ?? 0) >= 1);
  t.true(
    (sample(text, 'bounce_pipeline_process_resident_memory_bytes', { command: 'consume' }) ?? 0) > 0,
    'default process metrics',
  );
});

test.serial('ingest: the same counters, equal to its summary, and promtool accepts them', async (t) => {
  const dir = path.join(tmp, 'files');
  fs.mkdirSync(dir);
  const set = bounceSet(12, 'mingest');
  set.messages.forEach((m, i) => fs.writeFileSync(path.join(dir, `${i}.eml`), m));
  fs.writeFileSync(path.join(dir, 'x-not.eml'), NOT_A_BOUNCE);
  const metrics = createMetrics('ingest');
  const config = testConfig({
    store: { dataDir: store.dataDir, retentionDays: 3650 },
    sink: { maxBatchRows: 5 },
    transformWorkers: 0,
  });
  const summary = await ingestFiles(config, [dir], { store, log: () => undefined, metrics });
  const text = await metrics.registry.metrics();
  promtool(t, text);
  t.is(sample(text, 'bounce_records_read_total'), summary.read);
  t.is(summary.read, 13);
  t.is(sample(text, 'bounce_records_stored_total'), summary.stored);
  t.is(sample(text, 'bounce_records_skipped_total', { reason: 'not_a_bounce' }), 1);
  t.is(sumOf(text, 'bounce_events_stored_total'), summary.events);
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test.serial('produce --watch: produced counter equals its account; promtool accepts it', async (t) => {
  const topic = randomName('metrics-watch');
  topics.push(topic);
  const dir = path.join(tmp, 'Maildir');
  for (const sub of ['tmp', 'new', 'cur']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  bounceSet(25, 'mwatch').messages.forEach((m, i) =>
    fs.writeFileSync(path.join(dir, 'new', `${1520000000 + i}.M${i}.mx`), m),
  );
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, 'bin/bounce-pipeline.js'),
      'produce',
      '--watch',
      dir,
      '--batch-messages',
      '10',
      '--metrics-port',
      String(port),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic },
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
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let text = '';
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    if (sample(text, 'bounce_messages_produced_total') === 25) break;
    await sleep(200);
  }
  t.is((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
  child.kill('SIGTERM');
  t.is(await exit, 0, err);
  promtool(t, text);
  const produced = Number(/produce\.watch\.accounting produced=(\d+)/.exec(out)?.[1]);
  t.is(produced, 25);
  t.is(sample(text, 'bounce_messages_produced_total'), produced);
  t.is(sample(text, 'bounce_produce_batch_duration_seconds_count'), 3);
  t.is(sample(text, 'bounce_maildir_pending_messages'), 0);
});

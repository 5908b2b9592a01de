// `ingest --from` (no Kafka) as the CLI, twice over the same files: the second run stores nothing new, and the
// accounting adds up. The CLI runs as a child; this process opens the store only after both runs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { testConfig } from '../../cli/config.ts';
import { parseAccounting } from '../../ingest/accounting.ts';
import { openStore } from '../../queries/client.ts';
import { bounceSet, NOT_A_BOUNCE, REPO_ROOT, rollupCounts, storeCounts } from '../helpers/kafka.ts';

const CLI = path.join(REPO_ROOT, 'bin/bounce-pipeline.js');

test('ingest --from twice: same store contents, accounting adds up, dead letters in dlq.ndjson', async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-ingest-'));
  const dataDir = path.join(work, 'data');
  const maildir = path.join(work, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(maildir, sub), { recursive: true });
  const set = bounceSet(30, 'files');
  set.messages
    .slice(0, 20)
    .forEach((m, i) => fs.writeFileSync(path.join(maildir, 'cur', `${1520936100 + i}.M${i}.host:2,S`), m));
  fs.writeFileSync(path.join(maildir, 'new', 'note.eml'), NOT_A_BOUNCE);
  fs.writeFileSync(path.join(maildir, 'tmp', 'half-written.eml'), set.messages[29]); // never read: tmp/ is in flight
  // An mbox with the other 10 bounces (">From " quoting is the reader's job; the fixtures have no From_ lines).
  const mbox = set.messages
    .slice(20, 30)
    .map((m) => `From MAILER-DAEMON Tue Mar 13 10:15:00 2018\n${m.toString('latin1').replace(/\r\n/g, '\n')}\n`)
    .join('');
  fs.writeFileSync(path.join(work, 'bounces.mbox'), mbox, 'latin1');
  fs.writeFileSync(path.join(work, 'empty.eml'), '\n\n');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BOUNCE_DATA_DIR: dataDir,
    BOUNCE_RETENTION_DAYS: '3650',
    BOUNCE_BATCH_ROWS: '7',
  };
  delete env.CLICKHOUSE_URL;
  const run = () =>
    spawnSync(
      process.execPath,
      [CLI, 'ingest', '--from', maildir, path.join(work, 'bounces.mbox'), path.join(work, 'empty.eml')],
      { env, encoding: 'utf8' },
    );

  const first = run();
  t.is(first.status, 0, first.stderr);
  const a = parseAccounting(first.stdout);
  t.like(a, { read: 32, stored: 30, events: 30, dead_lettered: 1, skipped: 1, unreadable: 0, files: 23 });
  t.regex(first.stdout, /balanced=yes/);
  t.regex(first.stdout, /dead_lettered=1 \(empty_message:1\)|dead_lettered=1 \(empty_record:1\)/);

  const second = run();
  t.is(second.status, 0, second.stderr);
  t.like(parseAccounting(second.stdout), { read: 32, stored: 30, events: 30 });

  const letters = fs
    .readFileSync(path.join(dataDir, 'dlq.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.is(letters.length, 2, 'one dead letter per run');
  t.is(Buffer.from(letters[0].bytes_base64, 'base64').toString(), '\n\n');
  t.is(letters[0]['dlq-source'], path.join(work, 'empty.eml'));

  const store = await openStore(testConfig({ store: { dataDir, retentionDays: 3650 } }).store);
  try {
    const c = await storeCounts(store.client, 'files');
    t.is(c.rawRows, 30, 'the second run inserted nothing (same batches, same dedup tokens)');
    t.is(c.uniqueIds, 30);
    t.deepEqual(c.byCode, set.byCode);
    t.deepEqual(c.byIp, set.byIp);
    t.deepEqual(await rollupCounts(store.client), { bounces: 30, events: 30 });
  } finally {
    await store.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('ingest --from stopped by SIGINT: what was read is stored and counted, exit 130, a second run stores the rest once', async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-ingest-int-'));
  const dataDir = path.join(work, 'data');
  const total = 800;
  const set = bounceSet(total, 'intr');
  const mbox = path.join(work, 'big.mbox');
  fs.writeFileSync(
    mbox,
    set.messages
      .map((m) => `From MAILER-DAEMON Tue Mar 13 10:15:00 2018\n${m.toString('latin1').replace(/\r\n/g, '\n')}\n`)
      .join(''),
    'latin1',
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BOUNCE_DATA_DIR: dataDir,
    BOUNCE_RETENTION_DAYS: '3650',
    BOUNCE_BATCH_ROWS: '10',
    BOUNCE_LOG_EVERY_RECORDS: '10',
    BOUNCE_TRANSFORM_WORKERS: '0',
  };
  delete env.CLICKHOUSE_URL;

  // First run: SIGINT as soon as the first batches are stored.
  const child = spawn(process.execPath, [CLI, 'ingest', '--from', mbox], { env });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (!signalled && /ingest\.progress read=\d+/.test(stderr)) {
      signalled = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.true(signalled, stderr);
  t.is(code, 130, stderr);
  t.regex(stderr, /ingest\.stopping signal=SIGINT/);
  const first = parseAccounting(stdout);
  t.regex(stdout, /interrupted=1 balanced=yes/, stdout);
  t.true(first.read > 0 && first.read < total, `read ${first.read} of ${total}`);
  t.is(first.stored, first.read, 'every message read was stored (all are bounces)');

  const countRows = async () => {
    const store = await openStore(testConfig({ store: { dataDir, retentionDays: 3650 } }).store);
    try {
      return await storeCounts(store.client, 'intr');
    } finally {
      await store.close();
    }
  };
  t.is((await countRows()).rawRows, first.stored, 'the store holds exactly what the summary says');

  const second = spawnSync(process.execPath, [CLI, 'ingest', '--from', mbox], {
    env: { ...env, BOUNCE_BATCH_ROWS: '400' },
    encoding: 'utf8',
  });
  t.is(second.status, 0, second.stderr);
  t.like(parseAccounting(second.stdout), { read: total, stored: total });
  t.notRegex(second.stdout, /interrupted/);
  const after = await countRows();
  t.is(after.rawRows, total, 'the messages of the first run were not stored again');
  t.is(after.uniqueIds, total);
  fs.rmSync(work, { recursive: true, force: true });
});

// The transform worker pool: the same results as toBounceEvents on this thread, in order; a worker that dies
// mid-chunk loses no record (the others are retried, the one that kills a worker is dead-lettered).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { createPipeline } from '../../ingest/pipeline.ts';
import { addTally, emptyTally, JOB_INPUTS, readJobs, type ParseJobResult } from '../../ingest/pool/parse-job.ts';
import { createTransformPool, TransformCrashedError } from '../../ingest/pool/pool.ts';
import { runParseJob } from '../../ingest/pool/run-parse-job.ts';
import { readSources } from '../../ingest/sources/files.ts';
import type { RawRecord } from '../../ingest/sources/raw-record.ts';
import { toBounceEvents } from '../../transform/bounce-event.ts';
import { NOT_A_BOUNCE, REPO_ROOT, renderBounce } from '../helpers/kafka.ts';

const OPTS = { maxMessageBytes: 256 * 1024 };
const CRASH = 'X-Test-Crash-Worker: yes';

/** samples/ and every fixture folder, plus rendered bounces, a non-bounce, an empty and an oversize record. */
async function corpus(): Promise<RawRecord[]> {
  const dirs = ['samples', 'test/fixtures/kafka', 'test/fixtures/rhost', 'test/fixtures/lhost']
    .map((d) => path.join(REPO_ROOT, d))
    .filter((d) => fs.existsSync(d));
  const out: RawRecord[] = [];
  for await (const item of readSources(dirs)) if (item.kind === 'record') out.push(item);
  const extra = [
    ...Array.from({ length: 40 }, (_, i) =>
      renderBounce({
        recipient: `pool${i}@hotmail.com`,
        ip: `198.51.100.${i}`,
        code: i % 2 ? 'S3150' : 'S3140',
        queueId: `P${i}`,
      }),
    ),
    NOT_A_BOUNCE,
    Buffer.alloc(0),
    Buffer.alloc(OPTS.maxMessageBytes + 1, 'x'),
  ];
  extra.forEach((bytes, i) =>
    out.push({
      bytes,
      source: `extra#${i}`,
      receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      partition: 2,
      offset: i,
    }),
  );
  return out;
}

const renderMboxBounce = (i: number) =>
  renderBounce({ recipient: `mbox${i}@outlook.com`, ip: `203.0.113.${i}`, code: 'S3150', queueId: `M${i}` });

const originOf = (r: RawRecord) => ({ receivedAt: r.receivedAt, kafkaPartition: r.partition, kafkaOffset: r.offset });

test('the pool gives the same results as toBounceEvents on this thread, in record order', async (t) => {
  const records = await corpus();
  t.true(records.length > 80, `corpus has ${records.length} records`);
  const expected = [];
  for (const r of records) expected.push(await toBounceEvents(r.bytes, originOf(r), OPTS));
  const pool = createTransformPool({ size: 2, options: OPTS, perMessage: 4, maxInFlight: 8 });
  try {
    // All started at once, as the consumer does with its window: results still line up with their records.
    const got = await Promise.all(records.map((r) => pool.transform(r.bytes, originOf(r))));
    t.deepEqual(got, expected);
    // And through the pipeline (the consumer's entry point).
    const viaPool = createPipeline(OPTS, pool.transform);
    const inThread = createPipeline(OPTS);
    t.deepEqual(await Promise.all(records.map(viaPool)), await Promise.all(records.map(inThread)));
    t.is(pool.crashes, 0);
  } finally {
    await pool.close();
  }
});

test('a worker crash mid-chunk loses nothing: the others are retried, the culprit becomes transform_crashed', async (t) => {
  const records = (await corpus()).slice(0, 60);
  const culprit = 27;
  records[culprit] = {
    ...records[culprit],
    bytes: Buffer.concat([Buffer.from(`${CRASH}\r\n`), records[culprit].bytes]),
  };
  const logs: string[] = [];
  const pool = createTransformPool({
    size: 2,
    options: OPTS,
    crashMarker: CRASH,
    perMessage: 4,
    maxInFlight: 8,
    log: (l) => logs.push(l),
  });
  try {
    const viaPool = createPipeline(OPTS, pool.transform);
    const inThread = createPipeline(OPTS);
    const got = await Promise.all(records.map(viaPool));
    t.is(got.length, records.length);
    for (let i = 0; i < records.length; i++) {
      if (i === culprit) continue;
      t.deepEqual(got[i], await inThread(records[i]), `record ${i}`);
    }
    t.like(got[culprit], { kind: 'dlq', reason: 'transform_crashed', stage: 'parse' });
    t.regex((got[culprit] as { error: string }).error, /TransformCrashedError: a transform worker exited/);
    // Once in company (taking the records beside it along, which were retried alone), once alone.
    t.is(pool.crashes, 2, logs.join('\n'));
    t.true(logs.some((l) => l.startsWith('transform_pool.worker_exited')));
    // The pool replaced its workers and keeps working.
    t.deepEqual(await viaPool(records[0]), await inThread(records[0]));
  } finally {
    await pool.close();
  }
});

test('the crash error is a TransformCrashedError and close() waits for queued records', async (t) => {
  const pool = createTransformPool({ size: 1, options: OPTS, crashMarker: CRASH });
  const bad = pool.transform(Buffer.from(`${CRASH}\r\n\r\nx`), { receivedAt: new Date(0) });
  const good = pool.transform(
    renderBounce({ recipient: 'c@live.com', ip: '198.51.100.9', code: 'S3150', queueId: 'C1' }),
    { receivedAt: new Date(0) },
  );
  const closed = pool.close();
  await t.throwsAsync(bad, { instanceOf: TransformCrashedError });
  t.like(await good, { kind: 'ok' });
  await closed;
  await t.throwsAsync(pool.transform(Buffer.from('x'), { receivedAt: new Date(0) }), { message: /closed/ });
});

test('parse jobs: workers parse the bytes read here (readJobs) as runParseJob reads and parses the files; an mbox spreads over jobs', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-pool-'));
  const files = fs
    .readdirSync(path.join(REPO_ROOT, 'samples/incident-2018-s3150'))
    .map((n) => path.join(REPO_ROOT, 'samples/incident-2018-s3150', n));
  const box = path.join(dir, 'big.mbox');
  fs.writeFileSync(
    box,
    Array.from({ length: JOB_INPUTS + 3 }, (_, i) =>
      Buffer.concat([
        Buffer.from('From MAILER-DAEMON Tue Mar 13 10:15:00 2018\n'),
        renderMboxBounce(i),
        Buffer.from('\n'),
      ]),
    ).reduce((a, b) => Buffer.concat([a, b])),
  );
  const inputs = [...files.map((file) => ({ file })), { file: box }, { file: path.join(dir, 'missing') }];
  const flat = (results: ParseJobResult[]) => ({
    out: Buffer.concat(results.map((r) => r.out ?? Buffer.alloc(0))).toString(),
    rows: results.flatMap((r) => r.rows),
    stderr: results.map((r) => r.stderr).join(''),
    tally: results.reduce((all, r) => (addTally(all, r.tally), all), emptyTally()),
  });
  const pool = createTransformPool({ size: 2, options: OPTS });
  try {
    for (const format of ['ndjson', 'table'] as const) {
      const here = runParseJob({ format, inputs }, OPTS);
      const jobs = [...readJobs(inputs, format, 4)];
      t.is(
        jobs.length,
        Math.ceil((files.length + JOB_INPUTS + 3 + 1) / 4),
        'every message and the missing file, 4 a job',
      );
      t.true(
        jobs.every((j) => j.bytes !== undefined && j.inputs.every((i) => !('file' in i) || 'error' in i)),
        'the workers get bytes, never a file to read',
      );
      const there = await Promise.all(jobs.map((job) => pool.parse(job)));
      t.deepEqual(flat(there), flat([here]), format);
      t.is(here.tally.errors.get('unreadable'), 1);
    }
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a parse job whose file kills its worker is rejected as TransformCrashedError; the others go through', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-pool-'));
  const good = path.join(dir, 'good.eml');
  const bad = path.join(dir, 'bad.eml');
  fs.writeFileSync(good, renderMboxBounce(1));
  fs.writeFileSync(bad, Buffer.concat([Buffer.from(`${CRASH}\r\n`), renderMboxBounce(2)]));
  const pool = createTransformPool({ size: 2, options: OPTS, crashMarker: CRASH });
  try {
    // as the parse command sends them: bytes read here (a crashed worker's job is retried with a copy of them)
    const jobs = [[good], [good, bad], [good]].map((files) => {
      const [job] = readJobs(
        files.map((file) => ({ file })),
        'ndjson',
        JOB_INPUTS,
      );
      return pool.parse(job);
    });
    await t.throwsAsync(jobs[1], { instanceOf: TransformCrashedError });
    for (const job of [jobs[0], jobs[2]]) t.like((await job).tally, { records: 1, events: 1 });
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

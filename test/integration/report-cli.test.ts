// `bounce-pipeline report weekly` end to end: a seeded embedded store, the real command in a child process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { freshStore } from '../helpers/store.ts';
import { seedStore } from '../../queries/seed/run.ts';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
let dataDir = '';
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-report-cli-'));

test.before(async () => {
  const store = await freshStore();
  dataDir = store.dataDir;
  await seedStore(store, { events: 12_000, start: new Date('2026-11-02T00:00:00Z'), days: 28, seed: 3 });
  await store.close(); // the embedded store is one process at a time: free it for the child
});
test.after.always(() => {
  for (const dir of [dataDir, outDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin/bounce-pipeline.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, BOUNCE_DATA_DIR: dataDir, CLICKHOUSE_URL: '' },
  });

test.serial('writes the requested formats and says where', (t) => {
  const r = cli('report', 'weekly', '--week', '2026-W47', '--out', outDir, '--format', 'md,json,csv');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /^weekly report 2026-W47 \(2026-11-16 to 2026-11-23, UTC\) built in \d+ ms; wrote:/);
  const written = r.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
  t.is(written.length, 11, '1 md + 1 json + 9 csv');
  for (const f of written) t.true(fs.existsSync(f), f);
  t.false(fs.existsSync(path.join(outDir, 'report-2026-W47.html')), 'html was not asked for');
  const model = JSON.parse(fs.readFileSync(path.join(outDir, 'report-2026-W47.json'), 'utf8'));
  t.is(model.week.label, '2026-W47');
  t.is(model.endedListings.length, 43);
  t.true(fs.readFileSync(path.join(outDir, 'report-2026-W47.md'), 'utf8').includes('## Listings ended this week'));
});

test.serial('bad flags fail fast with a message that says what to type', (t) => {
  const week = cli('report', 'weekly', '--week', '2026-48', '--out', outDir);
  t.is(week.status, 2);
  t.regex(week.stderr, /--week must look like 2026-W48/);
  const format = cli('report', 'weekly', '--format', 'pdf', '--out', outDir);
  t.is(format.status, 2);
  t.regex(format.stderr, /--format takes a comma-separated list of html, csv, md, json; got "pdf"/);
});

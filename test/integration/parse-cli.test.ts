// `bounce-pipeline parse` as the CLI: with worker threads (which read, parse and serialise the files themselves, a
// large mbox spread over both) the output is byte for byte what it is without, in input order, error lines included.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { NOT_A_BOUNCE, REPO_ROOT, renderBounce } from '../helpers/kafka.ts';

const CLI = path.join(REPO_ROOT, 'bin/bounce-pipeline.js');
const SAMPLES = path.join(REPO_ROOT, 'samples/incident-2018-s3150');

const bounce = (i: number) =>
  renderBounce({ recipient: `p${i}@hotmail.com`, ip: `198.51.100.${i % 250}`, code: 'S3150', queueId: `Q${i}` });
const mbox = (from: number, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `From MAILER-DAEMON Tue Mar 13 10:15:00 2018\n${bounce(from + i)
        .toString('latin1')
        .replace(/\r\n/g, '\n')}\n`,
  ).join('');

function folder(): { dir: string; paths: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-parse-'));
  const mail = path.join(dir, 'mail');
  fs.mkdirSync(mail);
  for (const name of fs.readdirSync(SAMPLES)) fs.copyFileSync(path.join(SAMPLES, name), path.join(mail, name));
  fs.writeFileSync(path.join(mail, 'm-big.mbox'), mbox(0, 41), 'latin1'); // split across jobs and workers
  fs.writeFileSync(path.join(mail, 'm-small.mbox'), mbox(100, 2), 'latin1');
  fs.writeFileSync(path.join(mail, 'n-note.eml'), NOT_A_BOUNCE);
  fs.writeFileSync(path.join(mail, 'o-empty.eml'), '\n\n');
  for (let i = 0; i < 40; i++)
    fs.writeFileSync(path.join(mail, `z-${String(i).padStart(2, '0')}.eml`), bounce(200 + i));
  return { dir, paths: [mail, path.join(dir, 'missing.eml'), path.join(REPO_ROOT, 'samples/README.md')] };
}

const parse = (args: string[]) => spawnSync(process.execPath, [CLI, 'parse', ...args], { encoding: 'utf8' });

test('parse: the same bytes with and without workers, in input order, with error lines', (t) => {
  const { dir, paths } = folder();
  try {
    const alone = parse(['--workers', '0', ...paths]);
    t.is(alone.status, 0, alone.stderr);
    const pooled = parse(['--workers', '2', ...paths]);
    t.is(pooled.status, 0, pooled.stderr);
    t.is(pooled.stdout, alone.stdout);
    t.is(pooled.stderr, alone.stderr);

    const lines = alone.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const sources = lines.map((l) => path.relative(dir, String(l.source_file)));
    const big = sources.filter((s) => s.startsWith('mail/m-big.mbox#'));
    t.deepEqual(
      big,
      Array.from({ length: 41 }, (_, i) => `mail/m-big.mbox#${i + 1}`),
    );
    t.deepEqual(
      sources.filter((s) => s.startsWith('mail/m-small.mbox#')),
      ['mail/m-small.mbox#1', 'mail/m-small.mbox#2'],
    );
    // Input order: the folder's files by name, then the other paths as given.
    const order = sources.map((s) => s.replace(/#\d+$/, ''));
    t.deepEqual(
      order.filter((s, i) => s !== order[i - 1]),
      [...new Set(order)],
    );
    t.like(
      lines.find((l) => String(l.source_file).endsWith('o-empty.eml')),
      { reason: 'empty_message' },
    );
    t.like(
      lines.find((l) => l.source_file === paths[1]),
      { error: 'no such file or directory', reason: 'unreadable' },
    );
    t.is(sources.filter((s) => s.startsWith('mail/z-')).length, 40);
    t.regex(
      alone.stderr,
      /^parse: 126 messages read, 122 events, 2 skipped \(.*\), 3 errors \(empty_message 1, unreadable 1, mime_unparseable 1\)$/m,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parse --format table: the same table and stderr with and without workers', (t) => {
  const { dir, paths } = folder();
  try {
    const alone = parse(['--format', 'table', '--workers', '0', ...paths]);
    const pooled = parse(['--format', 'table', '--workers', '2', ...paths]);
    t.is(alone.status, 0, alone.stderr);
    t.is(pooled.stdout, alone.stdout);
    t.is(pooled.stderr, alone.stderr);
    t.regex(alone.stdout, /^FILE +RECIPIENT/);
    t.regex(alone.stderr, /missing\.eml: no such file or directory\n/);
    t.regex(alone.stderr, /o-empty\.eml: empty_message: /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

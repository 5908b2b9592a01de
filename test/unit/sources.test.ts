// File sources: single files, folders, Maildir (new/ and cur/, never tmp/), mbox split with path#n names.
import test from 'ava';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countSourceFiles, readSources, splitMbox } from '../../ingest/sources/files.ts';
import type { SourceItem } from '../../ingest/sources/raw-record.ts';

const msg = (n: number) => `From: a${n}@example.com\nTo: b@example.net\nSubject: m${n}\n\nbody ${n}\n`;

async function collect(paths: string[]): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of readSources(paths)) out.push(item);
  return out;
}

test('folder: files in name order, dot files ignored; Maildir reads new/ and cur/ but not tmp/', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-src-'));
  writeFileSync(path.join(dir, 'b.eml'), msg(2));
  writeFileSync(path.join(dir, 'a.eml'), msg(1));
  writeFileSync(path.join(dir, '.hidden'), msg(9));
  const maildir = path.join(dir, 'z-maildir');
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, sub), { recursive: true });
  writeFileSync(path.join(maildir, 'cur', '1.host:2,S'), msg(3));
  writeFileSync(path.join(maildir, 'new', '2.host'), msg(4));
  writeFileSync(path.join(maildir, 'tmp', '3.host'), msg(5));
  const items = await collect([dir]);
  t.deepEqual(
    items.map((i) => path.relative(dir, i.source)),
    ['a.eml', 'b.eml', 'z-maildir/cur/1.host:2,S', 'z-maildir/new/2.host'],
  );
  t.true(items.every((i) => i.kind === 'record'));
  t.is(countSourceFiles([dir]), 4);
});

test('mbox: split into path#n, postmarks dropped, >From unquoted', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-src-'));
  const file = path.join(dir, 'box.mbox');
  const mbox = `From a@example.com Sat Oct  4 08:00:09 2025\n${msg(1)}>From the top\n\nFrom b@example.com Sat Oct  4 08:00:10 2025\n${msg(2)}\n`;
  writeFileSync(file, mbox);
  const items = await collect([file]);
  t.deepEqual(
    items.map((i) => i.source),
    [`${file}#1`, `${file}#2`],
  );
  const first = items[0];
  if (first.kind !== 'record') return t.fail();
  t.is(first.bytes.toString(), `${msg(1)}From the top\n`);
});

test('mbox with CRLF and with lone-CR line ends splits the same way', (t) => {
  const lf = `From a@example.com Sat Oct  4 08:00:09 2025\n${msg(1)}\nFrom b@example.com Sat Oct  4 08:00:10 2025\n${msg(2)}`;
  for (const eol of ['\r\n', '\r']) {
    const parts = splitMbox(Buffer.from(lf.replace(/\n/g, eol)));
    t.is(parts?.length, 2, JSON.stringify(eol));
    t.is(parts?.[1].toString().replace(/\r\n?/g, '\n'), msg(2));
  }
});

test('a plain message is not an mbox', (t) => {
  t.is(splitMbox(Buffer.from(msg(1))), null);
});

test('missing path → an error item, and the walk goes on', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-src-'));
  writeFileSync(path.join(dir, 'ok.eml'), msg(1));
  const items = await collect([path.join(dir, 'nope'), path.join(dir, 'ok.eml')]);
  t.like(items[0], { kind: 'error', error: 'no such file or directory' });
  t.like(items[1], { kind: 'record' });
});

// Runs over files start transform workers only for inputs worth their start-up, unless the count was set.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workersForFiles } from '../../cli/file-workers.ts';
import { SMALL_INPUT_BYTES, SMALL_INPUT_FILES } from '../../ingest/sources/files.ts';

const msg = (n: number) => `From: a${n}@example.com\nTo: b@example.net\nSubject: m${n}\n\nbody ${n}\n`;

function folderOf(files: number, bytesEach = 0): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-workers-'));
  for (let i = 0; i < files; i++)
    writeFileSync(path.join(dir, `${String(i).padStart(4, '0')}.eml`), bytesEach ? 'x'.repeat(bytesEach) : msg(i));
  return dir;
}

test('a small input runs on the main thread when the worker count was not set', (t) => {
  const one = folderOf(1);
  t.is(workersForFiles(2, {}, undefined, [path.join(one, '0000.eml')]), 0);
  t.is(workersForFiles(4, {}, undefined, [folderOf(SMALL_INPUT_FILES)]), 0);
  t.is(workersForFiles(2, {}, undefined, [path.join(one, 'missing.eml')]), 0, 'an unreadable path is still small');
});

test('more files or more bytes than the bounds keep the configured workers', (t) => {
  t.is(workersForFiles(2, {}, undefined, [folderOf(SMALL_INPUT_FILES + 1)]), 2);
  const big = Math.ceil(SMALL_INPUT_BYTES / 3) + 1;
  t.is(workersForFiles(3, {}, undefined, [folderOf(3, big)]), 3);
  // the bounds hold over all the paths given, not per path
  const halves = [folderOf(SMALL_INPUT_FILES / 2 + 1), folderOf(SMALL_INPUT_FILES / 2)];
  t.is(workersForFiles(2, {}, undefined, halves), 2);
});

test("a command's own default applies to a larger input, never over a count that was set", (t) => {
  const many = [folderOf(SMALL_INPUT_FILES + 1)];
  t.is(workersForFiles(2, {}, undefined, many, 1), 1);
  t.is(workersForFiles(2, {}, '2', many, 1), 2);
  t.is(workersForFiles(2, {}, undefined, [folderOf(1)], 1), 0);
});

test('a count given by flag or BOUNCE_TRANSFORM_WORKERS is kept for any input', (t) => {
  const one = [folderOf(1)];
  t.is(workersForFiles(2, {}, '2', one), 2);
  t.is(workersForFiles(1, { BOUNCE_TRANSFORM_WORKERS: '1' }, undefined, one), 1);
  t.is(workersForFiles(2, { BOUNCE_TRANSFORM_WORKERS: '' }, undefined, one), 0, 'an empty variable is unset');
});

// Files, folders, Maildirs and mbox files → one stream of raw records, in a stable order.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SourceItem } from './raw-record.ts';

/** An mbox starts with a postmark line: "From <sender> <asctime date>". */
const MBOX_POSTMARK = /^From \S+ +\S.*\d{4}\s*$/;
const MAILDIR_SUBDIRS = ['new', 'cur'];

/** Yields every message under the given paths. Unreadable paths yield an error item; the walk goes on. */
export async function* readSources(paths: string[]): AsyncGenerator<SourceItem> {
  for (const given of paths) {
    yield* readPath(given);
  }
}

/** Counts the files under the paths (for a progress bar total); mbox files count as one. */
export async function countSourceFiles(paths: string[]): Promise<number> {
  let n = 0;
  for (const p of paths) {
    for await (const _ of listFiles(p)) n++;
  }
  return n;
}

async function* readPath(given: string): AsyncGenerator<SourceItem> {
  for await (const entry of listFiles(given)) {
    if ('error' in entry) {
      yield { kind: 'error', source: entry.file, error: entry.error };
      continue;
    }
    let bytes: Buffer;
    let mtime: Date;
    try {
      [bytes, mtime] = await Promise.all([fs.readFile(entry.file), fs.stat(entry.file).then((s) => s.mtime)]);
    } catch (err) {
      yield { kind: 'error', source: entry.file, error: `cannot read: ${(err as Error).message}` };
      continue;
    }
    const messages = splitMbox(bytes);
    if (messages === null) {
      yield { kind: 'record', bytes, source: entry.file, receivedAt: mtime };
    } else {
      for (let i = 0; i < messages.length; i++) {
        const source = messages.length === 1 ? entry.file : `${entry.file}#${i + 1}`;
        yield { kind: 'record', bytes: messages[i], source, receivedAt: mtime };
      }
    }
  }
}

type Listed = { file: string } | { file: string; error: string };

async function* listFiles(given: string): AsyncGenerator<Listed> {
  let stat;
  try {
    stat = await fs.stat(given);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    yield { file: given, error: code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${(err as Error).message}` };
    return;
  }
  if (stat.isFile()) {
    yield { file: given };
    return;
  }
  if (!stat.isDirectory()) {
    yield { file: given, error: 'not a regular file or directory' };
    return;
  }
  let names: string[];
  try {
    names = (await fs.readdir(given)).sort();
  } catch (err) {
    yield { file: given, error: `cannot list: ${(err as Error).message}` };
    return;
  }
  // A Maildir: read new/ and cur/, never tmp/ (messages being written).
  const isMaildir = names.includes('cur') && names.includes('new');
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (isMaildir && !MAILDIR_SUBDIRS.includes(name)) continue;
    yield* listFiles(path.join(given, name));
  }
}

/**
 * Splits an mbox (mboxrd/mboxo) into messages, dropping postmark lines and undoing ">From " quoting.
 * Returns null when the bytes are not an mbox (a plain message).
 */
export function splitMbox(bytes: Buffer): Buffer[] | null {
  // Line ends may be LF, CRLF or a lone CR (classic Mac): look for whichever comes first.
  const head = bytes.subarray(0, Math.min(bytes.length, 1000)).toString('latin1');
  const firstLine = head.split(/\r\n?|\n/, 1)[0];
  if (!MBOX_POSTMARK.test(firstLine)) return null;
  const text = bytes.toString('latin1');
  const lines = text.split(/(?<=\n|\r(?!\n))/);
  const messages: Buffer[] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    if (MBOX_POSTMARK.test(line.replace(/\r?\n$|\r$/, ''))) {
      if (current) messages.push(toMessage(current));
      current = [];
      continue;
    }
    current?.push(line.startsWith('>') && /^>+From /.test(line) ? line.slice(1) : line);
  }
  if (current) messages.push(toMessage(current));
  return messages;
}

function toMessage(lines: string[]): Buffer {
  // The blank line before the next postmark belongs to the mbox, not to the message.
  let end = lines.length;
  if (end > 0 && /^(?:\r?\n|\r)$/.test(lines[end - 1])) end--;
  return Buffer.from(lines.slice(0, end).join(''), 'latin1');
}

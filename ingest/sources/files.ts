// Files, folders, Maildirs and mbox files → one stream of raw records, in a stable order.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SourceItem } from './raw-record.ts';

/** An mbox starts with a postmark line: "From <sender> <asctime date>". */
const MBOX_POSTMARK = /^From \S+ +\S.*\d{4}\s*$/;
const MAILDIR_SUBDIRS = ['new', 'cur'];

/** Files read at once ahead of the consumer: the reads overlap each other and the parsing of earlier files. */
export const READ_AHEAD = 32;

/**
 * Yields every message under the given paths, in a stable order. Unreadable paths yield an error item; the walk
 * goes on. Up to READ_AHEAD files are being read while earlier ones are consumed.
 */
export async function* readSources(paths: string[]): AsyncGenerator<SourceItem> {
  const ahead: Promise<SourceItem[]>[] = [];
  for (const given of paths) {
    for await (const entry of listFiles(given)) {
      ahead.push(readEntry(entry));
      if (ahead.length >= READ_AHEAD) yield* await ahead.shift()!;
    }
  }
  while (ahead.length > 0) yield* await ahead.shift()!;
}

/** Counts the files under the paths (for a progress bar total); mbox files count as one. */
export async function countSourceFiles(paths: string[]): Promise<number> {
  let n = 0;
  for (const p of paths) {
    for await (const _ of listFiles(p)) n++;
  }
  return n;
}

/** One listed file → its records (never rejects: a failed read is an error item). */
async function readEntry(entry: Listed): Promise<SourceItem[]> {
  if ('error' in entry) return [{ kind: 'error', source: entry.file, error: entry.error }];
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(entry.file);
  } catch (err) {
    return [{ kind: 'error', source: entry.file, error: `cannot read: ${(err as Error).message}` }];
  }
  const mtime = entry.mtime;
  const messages = splitMbox(bytes);
  if (messages === null) return [{ kind: 'record', bytes, source: entry.file, receivedAt: mtime }];
  return messages.map((m, i) => ({ kind: 'record', bytes: m, source: messages.length === 1 ? entry.file : `${entry.file}#${i + 1}`, receivedAt: mtime }));
}

type Listed = { file: string; mtime: Date } | { file: string; error: string };

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
    yield { file: given, mtime: stat.mtime };
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

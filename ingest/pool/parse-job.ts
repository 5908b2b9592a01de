// The `parse` command's work in jobs: messages parsed and turned into the command's output (NDJSON bytes, or table
// rows) in one go where the parsing happens. With workers the main thread reads the files into jobs that carry their
// bytes (readJobs) and writes the output bytes it gets back; the workers only parse. Without workers a job names its
// files and is read and parsed on the main thread. This module is the job's shape and what the main thread does with
// it; run-parse-job.ts runs one (and loads the parser, which a main thread with workers never does).
import { readListed, type Listed } from '../sources/files.ts';
import type { BounceEvent } from '../../transform/bounce-event.ts';

export type ParseFormat = 'ndjson' | 'table';

/**
 * Inputs (files, or messages) per job: enough to make a message to a worker worth its round trip (a few ms of
 * parsing), few enough that the workers finish close together.
 */
export const JOB_INPUTS = 16;
export type ParseRow = BounceEvent & { source_file: string };

/** One message given as bytes (read by the main thread, readJobs): a range of the job's buffer. */
export interface ParseMessage {
  source: string;
  receivedAt: Date;
  offset: number;
  length: number;
}

export interface ParseJob {
  format: ParseFormat;
  inputs: (Listed | ParseMessage)[];
  /** the bytes of the ParseMessage inputs */
  bytes?: ArrayBuffer;
}

/** Counts for the command's summary; the maps keep reasons in the order they first occurred. */
export interface ParseTally {
  records: number;
  events: number;
  skipped: Map<string, number>;
  errors: Map<string, number>;
}

/** A job's output: NDJSON bytes (table: rows, and error lines for stderr), and its counts. */
export interface ParseJobResult {
  out: Uint8Array | null;
  rows: ParseRow[];
  stderr: string;
  tally: ParseTally;
}

export const emptyTally = (): ParseTally => ({ records: 0, events: 0, skipped: new Map(), errors: new Map() });

/** Adds n to a reason's count. */
export const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

/** Adds `from` to `into`; reasons new to `into` go after its own, so merging in input order keeps first occurrence. */
export function addTally(into: ParseTally, from: ParseTally): void {
  into.records += from.records;
  into.events += from.events;
  for (const [k, n] of from.skipped) bump(into.skipped, k, n);
  for (const [k, n] of from.errors) bump(into.errors, k, n);
}

/** The buffer a result holds, for postMessage's transfer list. */
export function transferables(result: ParseJobResult): ArrayBuffer[] {
  return result.out ? [result.out.buffer as ArrayBuffer] : [];
}

/**
 * The listed files read here, in jobs of `perJob` messages that carry their bytes (one ArrayBuffer per job, which the
 * pool transfers): the workers only parse. A file that cannot be read goes as its error entry, in its place; an mbox
 * is as many messages, so a large one spreads over jobs and workers by itself.
 */
export function* readJobs(entries: Iterable<Listed>, format: ParseFormat, perJob: number): Generator<ParseJob> {
  let inputs: (Listed | ParseMessage)[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  const pack = (): ParseJob => {
    // An ArrayBuffer of its own: a small Buffer may be a view of Node's shared pool, which must not be transferred.
    const bytes = Buffer.from(new ArrayBuffer(size));
    let offset = 0;
    for (const part of parts) offset += part.copy(bytes, offset);
    const job: ParseJob = { format, inputs, bytes: bytes.buffer };
    inputs = [];
    parts = [];
    size = 0;
    return job;
  };
  for (const entry of entries) {
    for (const item of readListed(entry)) {
      if (item.kind === 'error') inputs.push({ file: item.source, error: item.error });
      else {
        inputs.push({ source: item.source, receivedAt: item.receivedAt, offset: size, length: item.bytes.length });
        parts.push(item.bytes);
        size += item.bytes.length;
      }
      if (inputs.length === perJob) yield pack();
    }
  }
  if (inputs.length > 0) yield pack();
}

// The `parse` command's work where the parsing happens (a transform worker, or the main thread without workers):
// files are read, parsed and turned into the command's output (NDJSON bytes, or table rows) in one go, so the
// main thread only lists files and writes bytes. This module is the job's shape and what the main thread does with
// it; run-parse-job.ts runs one (and loads the parser, which a main thread with workers never does).
import type { Listed } from '../sources/files.ts';
import type { BounceEvent } from '../../transform/bounce-event.ts';

export type ParseFormat = 'ndjson' | 'table';

/**
 * Inputs (files, or messages of a split mbox) per job: enough to make a message to a worker worth its round trip
 * (a few ms of parsing), few enough that two workers finish close together.
 */
export const JOB_INPUTS = 16;
/** An mbox with more messages than a job holds is split across jobs (both workers), not parsed by the one that read it. */
export const MBOX_SPLIT_ABOVE = JOB_INPUTS;
export type ParseRow = BounceEvent & { source_file: string };

/** One message given as bytes (a message of a large mbox, split out by a worker): a range of the job's buffer. */
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

/** An mbox with more messages than one job should hold, read but not parsed: the caller spreads its messages. */
export interface SplitMbox {
  file: string;
  receivedAt: Date;
  bytes: ArrayBuffer;
  /** [offset, length] of each message in bytes, in mbox order */
  messages: [number, number][];
}

/** The output of consecutive inputs: NDJSON bytes (table: rows, and error lines for stderr). */
export interface ParseOutput {
  out: Uint8Array | null;
  rows: ParseRow[];
  stderr: string;
  tally: ParseTally;
}

export type ParsePiece = ParseOutput | { mbox: SplitMbox };

export interface ParseJobResult {
  /** in input order; a new piece starts only after a split mbox */
  pieces: ParsePiece[];
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

/** The buffers a result holds, for postMessage's transfer list. */
export function transferables(result: ParseJobResult): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const p of result.pieces) {
    if ('mbox' in p) list.push(p.mbox.bytes);
    else if (p.out) list.push(p.out.buffer as ArrayBuffer);
  }
  return list;
}

/** A split mbox → jobs of `perJob` messages each, with the sources readListed would have given them. */
export function mboxJobs(m: SplitMbox, format: ParseFormat, perJob: number): ParseJob[] {
  const jobs: ParseJob[] = [];
  const whole = Buffer.from(m.bytes);
  for (let first = 0; first < m.messages.length; first += perJob) {
    const slice = m.messages.slice(first, first + perJob);
    const start = slice[0][0];
    const end = slice[slice.length - 1][0] + slice[slice.length - 1][1];
    const bytes = Buffer.from(new ArrayBuffer(end - start));
    whole.copy(bytes, 0, start, end);
    jobs.push({
      format,
      bytes: bytes.buffer,
      inputs: slice.map(([offset, length], i) => ({
        source: `${m.file}#${first + i + 1}`,
        receivedAt: m.receivedAt,
        offset: offset - start,
        length,
      })),
    });
  }
  return jobs;
}

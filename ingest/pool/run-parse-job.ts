// Runs a parse job (parse-job.ts): reads its files, parses every message and writes the parse command's output.
// Structured-cloning BounceEvents back to the main thread and serialising them there cost the main thread more CPU
// than a worker spends parsing the message.
import { readListed } from '../sources/files.ts';
import type { SourceItem } from '../sources/raw-record.ts';
import type { TransformOptions } from '../../transform/bounce-event.ts';
import { toBounceEventsSync } from '../../transform/bounce-event.ts';
import {
  bump,
  emptyTally,
  type ParseJob,
  type ParseJobResult,
  type ParseOutput,
  type ParsePiece,
  type SplitMbox,
} from './parse-job.ts';

export interface ParseJobHooks {
  /** mboxes with more messages than this come back split instead of parsed (default: never) */
  splitMboxAbove?: number;
  /** tests only: sees every message's bytes before it is parsed */
  inspect?: (bytes: Buffer) => void;
}

export function runParseJob(job: ParseJob, options: TransformOptions, hooks: ParseJobHooks = {}): ParseJobResult {
  const splitAbove = hooks.splitMboxAbove ?? Infinity;
  const pieces: ParsePiece[] = [];
  let text = '';
  let current: ParseOutput = { out: null, rows: [], stderr: '', tally: emptyTally() };
  const close = () => {
    // One allocation of its own (not Buffer's shared pool) so it can be transferred.
    if (text) {
      const length = Buffer.byteLength(text);
      const out = Buffer.from(new ArrayBuffer(length));
      out.write(text);
      current.out = out;
    }
    pieces.push(current);
    text = '';
    current = { out: null, rows: [], stderr: '', tally: emptyTally() };
  };
  const errorLine = (source: string, error: string, reason: string) => {
    bump(current.tally.errors, reason);
    if (job.format === 'ndjson') text += JSON.stringify({ source_file: source, error, reason }) + '\n';
    else current.stderr += reason === 'unreadable' ? `${source}: ${error}\n` : `${source}: ${reason}: ${error}\n`;
  };
  const take = (bytes: Buffer, source: string, receivedAt: Date) => {
    hooks.inspect?.(bytes);
    const tally = current.tally;
    tally.records++;
    const result = toBounceEventsSync(bytes, { receivedAt }, options);
    if (result.kind === 'skip') return void bump(tally.skipped, result.reason);
    if (result.kind === 'dlq') return errorLine(source, result.error, result.reason);
    tally.events += result.events.length;
    if (job.format === 'table') {
      for (const e of result.events) current.rows.push({ ...e, source_file: source });
      return;
    }
    // The same bytes as JSON.stringify({ ...e, source_file }) (the key goes last), without copying each event.
    const tail = `,"source_file":${JSON.stringify(source)}}\n`;
    for (const e of result.events) text += JSON.stringify(e).slice(0, -1) + tail;
  };
  const whole = job.bytes ? Buffer.from(job.bytes) : null;
  for (const input of job.inputs) {
    if ('offset' in input) {
      take(whole!.subarray(input.offset, input.offset + input.length), input.source, input.receivedAt);
      continue;
    }
    const items: SourceItem[] = readListed(input);
    if (items.length > splitAbove) {
      close();
      pieces.push({ mbox: packMbox(input.file, items) });
      continue;
    }
    for (const item of items) {
      if (item.kind === 'error') errorLine(item.source, item.error, 'unreadable');
      else take(item.bytes, item.source, item.receivedAt);
    }
  }
  close();
  return { pieces };
}

function packMbox(file: string, items: SourceItem[]): SplitMbox {
  const records = items.filter((i) => i.kind === 'record');
  const bytes = Buffer.from(new ArrayBuffer(records.reduce((n, r) => n + r.bytes.length, 0)));
  const messages: [number, number][] = [];
  let offset = 0;
  for (const r of records) {
    r.bytes.copy(bytes, offset);
    messages.push([offset, r.bytes.length]);
    offset += r.bytes.length;
  }
  return { file, receivedAt: records[0].receivedAt, bytes: bytes.buffer, messages };
}

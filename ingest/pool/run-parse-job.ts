// Runs a parse job (parse-job.ts): reads the files it names (its own bytes come read), parses every message and
// writes the parse command's output.
// Structured-cloning BounceEvents back to the main thread and serialising them there cost the main thread more CPU
// than a worker spends parsing the message.
import { readListed } from '../sources/files.ts';
import type { SourceItem } from '../sources/raw-record.ts';
import type { TransformOptions } from '../../transform/bounce-event.ts';
import { toBounceEventsSync } from '../../transform/bounce-event.ts';
import { bump, emptyTally, type ParseJob, type ParseJobResult } from './parse-job.ts';

export interface ParseJobHooks {
  /** tests only: sees every message's bytes before it is parsed */
  inspect?: (bytes: Buffer) => void;
}

export function runParseJob(job: ParseJob, options: TransformOptions, hooks: ParseJobHooks = {}): ParseJobResult {
  let text = '';
  const result: ParseJobResult = { out: null, rows: [], stderr: '', tally: emptyTally() };
  const tally = result.tally;
  const errorLine = (source: string, error: string, reason: string) => {
    bump(tally.errors, reason);
    if (job.format === 'ndjson') text += JSON.stringify({ source_file: source, error, reason }) + '\n';
    else result.stderr += reason === 'unreadable' ? `${source}: ${error}\n` : `${source}: ${reason}: ${error}\n`;
  };
  const take = (bytes: Buffer, source: string, receivedAt: Date) => {
    hooks.inspect?.(bytes);
    tally.records++;
    const parsed = toBounceEventsSync(bytes, { receivedAt }, options);
    if (parsed.kind === 'skip') return void bump(tally.skipped, parsed.reason);
    if (parsed.kind === 'dlq') return errorLine(source, parsed.error, parsed.reason);
    tally.events += parsed.events.length;
    if (job.format === 'table') {
      for (const e of parsed.events) result.rows.push({ ...e, source_file: source });
      return;
    }
    // The same bytes as JSON.stringify({ ...e, source_file }) (the key goes last), without copying each event.
    const tail = `,"source_file":${JSON.stringify(source)}}\n`;
    for (const e of parsed.events) text += JSON.stringify(e).slice(0, -1) + tail;
  };
  const whole = job.bytes ? Buffer.from(job.bytes) : null;
  for (const input of job.inputs) {
    if ('offset' in input) {
      take(whole!.subarray(input.offset, input.offset + input.length), input.source, input.receivedAt);
      continue;
    }
    const items: SourceItem[] = readListed(input);
    for (const item of items) {
      if (item.kind === 'error') errorLine(item.source, item.error, 'unreadable');
      else take(item.bytes, item.source, item.receivedAt);
    }
  }
  // One allocation of its own (not Buffer's shared pool) so it can be transferred.
  if (text) {
    const out = Buffer.from(new ArrayBuffer(Buffer.byteLength(text)));
    out.write(text);
    result.out = out;
  }
  return result;
}

// bounce-pipeline parse: files, folders, Maildirs, mbox → one JSON line (or table row) per failed/delayed recipient.
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { createTransformPool, type TransformPool } from '../../ingest/pool/pool.ts';
import { readSources } from '../../ingest/sources/files.ts';
import type { SourceItem } from '../../ingest/sources/raw-record.ts';
import type { BounceEvent, TransformResult } from '../../transform/bounce-event.ts';
import { formatTable, TABLE_COLUMNS } from './parse-table.ts';

interface ParseFlags {
  format: 'ndjson' | 'table';
  maxMessageBytes?: string;
  workers?: string;
}

export function registerParse(program: Command): void {
  program
    .command('parse')
    .summary('parse bounce files and print one record per failed or delayed recipient')
    .description(
      'Parse bounce messages from files, folders of .eml, Maildirs or mbox files and print one line per failed or ' +
        'delayed recipient with every BounceEvent field plus source_file (mbox messages: path#n). ' +
        'A message that cannot be parsed prints {"source_file","error","reason"} and the run goes on; auto-replies and other ' +
        'non-bounces print nothing but are counted. A summary goes to stderr. Nothing is stored.',
    )
    .argument('<paths...>', 'files, folders, Maildirs or mbox files')
    .addOption(
      new Option('--format <format>', 'ndjson: one JSON object per line; table: aligned columns for a person')
        .choices(['ndjson', 'table'])
        .default('ndjson'),
    )
    .option(
      '--max-message-bytes <n>',
      'skip (and report) messages larger than this (default: BOUNCE_MAX_MESSAGE_BYTES or 10 MiB)',
    )
    .option(
      '--workers <n>',
      'parser worker threads, 0 = on the main thread (default: BOUNCE_TRANSFORM_WORKERS or one per core, at most 4)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ bounce-pipeline parse bounce.eml
  $ bounce-pipeline parse --format table ~/Maildir/.Bounces
  $ bounce-pipeline parse bounces.mbox | jq -r 'select(.category=="ip_blocklist") | .sending_ip' | sort | uniq -c

Table columns: ${TABLE_COLUMNS.join(', ')}.
Exit status: 0 when the run finished (even if some files could not be parsed); 1 on a usage error, 2 on a configuration error.`,
    )
    .action(async (paths: string[], flags: ParseFlags) => {
      const config = loadConfig(process.env, { maxMessageBytes: flags.maxMessageBytes, workers: flags.workers });
      await runParse(paths, flags.format, config.parse, config.transformWorkers);
    });
}

interface Summary {
  records: number;
  events: number;
  skipped: Map<string, number>;
  errors: Map<string, number>;
}

/** Output is written in chunks of about this many characters (one write per record costs more than the JSON). */
const WRITE_CHUNK = 256 * 1024;

async function runParse(
  paths: string[],
  format: 'ndjson' | 'table',
  parse: { maxMessageBytes: number; hashLocalPart: boolean },
  workers: number,
): Promise<void> {
  const summary: Summary = { records: 0, events: 0, skipped: new Map(), errors: new Map() };
  const rows: Array<BounceEvent & { source_file: string }> = [];
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let buffered = '';
  const flushOut = () => {
    const chunk = buffered;
    buffered = '';
    if (chunk && !process.stdout.write(chunk))
      return new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    return undefined;
  };
  const out = (line: string) => {
    buffered += line + '\n';
    return buffered.length >= WRITE_CHUNK ? flushOut() : undefined;
  };
  const take = async (item: SourceItem, result: TransformResult | null) => {
    if (item.kind === 'error') {
      bump(summary.errors, 'unreadable');
      if (format === 'ndjson')
        await out(JSON.stringify({ source_file: item.source, error: item.error, reason: 'unreadable' }));
      else process.stderr.write(`${item.source}: ${item.error}\n`);
      return;
    }
    summary.records++;
    if (result!.kind === 'skip') {
      bump(summary.skipped, result!.reason);
      return;
    }
    if (result!.kind === 'dlq') {
      bump(summary.errors, result!.reason);
      if (format === 'ndjson')
        await out(JSON.stringify({ source_file: item.source, error: result!.error, reason: result!.reason }));
      else process.stderr.write(`${item.source}: ${result!.reason}: ${result!.error}\n`);
      return;
    }
    summary.events += result!.events.length;
    for (const e of result!.events) {
      const row = { ...e, source_file: item.source };
      if (format === 'ndjson') await out(JSON.stringify(row));
      else rows.push(row);
    }
  };
  // With workers, records are parsed up to the pool's window ahead and taken back in input order; without, on
  // this thread with no promise per record.
  const pool: TransformPool | null = workers > 0 ? createTransformPool({ size: workers, options: parse }) : null;
  // With workers this thread never parses, so it does not load the parser.
  const toBounceEventsSync = pool ? null : (await import('../../transform/bounce-event.ts')).toBounceEventsSync;
  try {
    const ahead: { item: SourceItem; result: Promise<TransformResult> | null }[] = [];
    for await (const item of readSources(paths)) {
      if (!pool) {
        await take(
          item,
          item.kind === 'record' ? toBounceEventsSync!(item.bytes, { receivedAt: item.receivedAt }, parse) : null,
        );
        continue;
      }
      ahead.push({
        item,
        result: item.kind === 'record' ? pool.transform(item.bytes, { receivedAt: item.receivedAt }) : null,
      });
      if (ahead.length >= pool.window) {
        const next = ahead.shift()!;
        await take(next.item, next.result && (await next.result));
      }
    }
    for (const next of ahead) await take(next.item, next.result && (await next.result));
  } finally {
    await pool?.close();
  }
  await flushOut();
  if (format === 'table')
    await new Promise<void>((resolve) => process.stdout.write(formatTable(rows), () => resolve()));
  process.stderr.write(summaryText(summary));
}

function summaryText(s: Summary): string {
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const skipped = [...s.skipped.values()].reduce((a, b) => a + b, 0);
  const errors = [...s.errors.values()].reduce((a, b) => a + b, 0);
  return `parse: ${s.records} messages read, ${s.events} events, ${skipped} skipped (${list(s.skipped)}), ${errors} errors (${list(s.errors)})\n`;
}

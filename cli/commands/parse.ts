// bounce-pipeline parse: files, folders, Maildirs, mbox → one JSON line (or table row) per failed/delayed recipient.
import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { createTransformPool, type TransformPool } from '../../ingest/pool/pool.ts';
import {
  addTally,
  emptyTally,
  JOB_INPUTS,
  readJobs,
  type ParseFormat,
  type ParseJobResult,
  type ParseRow,
  type ParseTally,
} from '../../ingest/pool/parse-job.ts';
import { listSources, type Listed } from '../../ingest/sources/files.ts';
import { tuneForShortRun } from '../v8-tuning.ts';
import { PARSE_DEFAULT_WORKERS, workersForFiles } from '../file-workers.ts';
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
      'parser worker threads, 0 = on the main thread (default: BOUNCE_TRANSFORM_WORKERS, else one per core but one, ' +
        'at most 4, and none when the input is at most 256 files and 2 MiB)',
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
      const workers = workersForFiles(
        config.transformWorkers,
        process.env,
        flags.workers,
        paths,
        PARSE_DEFAULT_WORKERS,
      );
      await runParse(paths, flags.format, config.parse, workers);
    });
}

/**
 * Lists the files and hands them out in jobs (parse-job.ts): a worker reads, parses and serialises them, this
 * thread writes the bytes it gets back in input order. Without workers, the same jobs run here.
 */
async function runParse(
  paths: string[],
  format: ParseFormat,
  parse: { maxMessageBytes: number; hashLocalPart: boolean },
  workers: number,
): Promise<void> {
  const summary = emptyTally();
  const rows: ParseRow[] = [];
  tuneForShortRun();
  // With workers, this thread reads the files into jobs (readJobs) started up to the pool's window ahead, and writes
  // their output back in input order; the workers only parse. Reading here costs this thread about 35 µs per file,
  // which a worker spent before on top of its parsing; a worker is refilled at once, so a few jobs in hand are enough.
  const pool: TransformPool | null =
    workers > 0
      ? createTransformPool({ size: workers, options: parse, perMessage: JOB_INPUTS, maxInFlight: 4 * JOB_INPUTS })
      : null;
  const write = (result: ParseJobResult | Promise<ParseJobResult>) => writeResult(result, summary, rows);
  // With workers this thread never parses, so it does not load the parser.
  const runHere = pool ? null : (await import('../../ingest/pool/run-parse-job.ts')).runParseJob;
  try {
    if (!pool) {
      for (const inputs of jobInputs(paths)) await write(runHere!({ format, inputs }, parse));
    } else {
      const ahead: Promise<ParseJobResult>[] = [];
      for (const job of readJobs(listSources(paths), format, JOB_INPUTS)) {
        ahead.push(pool.parse(job));
        if (ahead.length * JOB_INPUTS >= pool.window) await write(ahead.shift()!);
      }
      for (const next of ahead) await write(next);
    }
  } finally {
    await pool?.close();
  }
  if (format === 'table')
    await new Promise<void>((resolve) => process.stdout.write(formatTable(rows), () => resolve()));
  process.stderr.write(summaryText(summary));
}

/** The listed files in jobs of JOB_INPUTS. */
function* jobInputs(paths: string[]): Generator<Listed[]> {
  let inputs: Listed[] = [];
  for (const entry of listSources(paths)) {
    inputs.push(entry);
    if (inputs.length === JOB_INPUTS) {
      yield inputs;
      inputs = [];
    }
  }
  if (inputs.length > 0) yield inputs;
}

/** Writes a job's output and adds up its counts. */
async function writeResult(
  result: ParseJobResult | Promise<ParseJobResult>,
  summary: ParseTally,
  rows: ParseRow[],
): Promise<void> {
  const done = await result;
  addTally(summary, done.tally);
  for (const row of done.rows) rows.push(row);
  if (done.stderr) process.stderr.write(done.stderr);
  if (done.out && !process.stdout.write(done.out))
    await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
}

function summaryText(s: ParseTally): string {
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const skipped = [...s.skipped.values()].reduce((a, b) => a + b, 0);
  const errors = [...s.errors.values()].reduce((a, b) => a + b, 0);
  return `parse: ${s.records} messages read, ${s.events} events, ${skipped} skipped (${list(s.skipped)}), ${errors} errors (${list(s.errors)})\n`;
}

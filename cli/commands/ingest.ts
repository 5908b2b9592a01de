// `bounce-pipeline ingest --from PATH...`: files, folders, Maildir, mbox straight into the store (no Kafka).
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config.ts';
import type { Config, ConfigOverrides } from '../config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { openStore } from '../../queries/client.ts';
import { ensureSchema } from '../../queries/migrate.ts';
import { accountingLine, timestamped } from '../../ingest/accounting.ts';
import { ingestFiles } from '../file-ingest.ts';
import type { FileIngestSummary } from '../file-ingest.ts';
import { countSourceFiles } from '../../ingest/sources/files.ts';
import { serveMetrics, storeAnswers } from '../../ingest/metrics.ts';
import { tuneForShortRun } from '../v8-tuning.ts';
import { workersForFiles } from '../file-workers.ts';

interface IngestFlags extends ConfigOverrides {
  from?: string[];
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(
      'read bounces from files, folders, Maildir or mbox straight into the store (no Kafka), with a progress bar',
    )
    .requiredOption('--from <path...>', 'files, folders, Maildir folders or mbox files')
    .option('--data-dir <dir>', 'embedded store directory (default: BOUNCE_DATA_DIR or ./data)')
    .option('--clickhouse-url <url>', 'ClickHouse server instead of the embedded store (default: CLICKHOUSE_URL)')
    .option('--batch-rows <n>', 'rows per insert (default: BOUNCE_BATCH_ROWS or 5000)')
    .option(
      '--metrics-port <port>',
      'serve Prometheus /metrics, /healthz, /readyz while it runs (default: BOUNCE_METRICS_PORT; unset = off)',
    )
    .option(
      '--workers <n>',
      'transform worker threads, 0 = on the main thread (default: BOUNCE_TRANSFORM_WORKERS or one per core, at most 4; ' +
        'none when the input is at most 256 files and 2 MiB)',
    )
    .addHelpText(
      'after',
      '\nIngesting the same files twice stores nothing twice (deterministic event ids and insert tokens).\n' +
        'Unparseable messages go to <data-dir>/dlq.ndjson (bytes base64, with the reason).\n' +
        'Closing line on stdout: `ingest.summary read=... stored=... events=... dead_lettered=... skipped=... unreadable=...`.\n' +
        'Ctrl-C (SIGINT) or SIGTERM: stops reading, stores and counts what was read, prints the summary with\n' +
        '`interrupted=1` and exits 130 (143 for SIGTERM); run the same command again to ingest the rest. A second\n' +
        'Ctrl-C quits at once (nothing is stored twice by the next run either).',
    )
    .action(async (flags: IngestFlags) => {
      const loaded = loadConfig(process.env, flags);
      const paths = flags.from ?? [];
      const config = {
        ...loaded,
        transformWorkers: workersForFiles(loaded.transformWorkers, process.env, flags.workers, paths),
      };
      const stop = new AbortController();
      let stoppedBy: NodeJS.Signals | undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        if (stoppedBy) process.exit(signalExitCode(sig));
        stoppedBy = sig;
        process.stderr.write(
          `${timestamped(`ingest.stopping signal=${sig}: finishing the messages already read; press Ctrl-C again to quit at once`)}\n`,
        );
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      tuneForShortRun(); // here, not in runIngest: `start` runs that too, and then keeps consuming
      try {
        const summary = await runIngest(config, paths, stop.signal);
        process.stdout.write(`${summaryLine(summary)}\n`);
        if (stoppedBy) process.exitCode = signalExitCode(stoppedBy);
        else if (summary.unreadable > 0) process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** The shell's convention for a run ended by a signal: 130 for SIGINT, 143 for SIGTERM. */
const signalExitCode = (sig: NodeJS.Signals): number => 128 + (sig === 'SIGTERM' ? 15 : 2);

export function summaryLine(s: FileIngestSummary): string {
  return accountingLine('ingest.summary', s, {
    unreadable: s.unreadable,
    files: s.files,
    ...(s.interrupted ? { interrupted: 1 } : {}),
  });
}

/** Opens the store, ingests, closes. Progress: a bar when stderr is a terminal, plain periodic lines otherwise. */
export async function runIngest(
  config: Readonly<Config>,
  paths: string[],
  signal?: AbortSignal,
): Promise<FileIngestSummary> {
  if (paths.length === 0) throw new ConfigError('ingest: give at least one path with --from PATH');
  const log = (line: string) => process.stderr.write(`${timestamped(line)}\n`);
  const store = await openStore(config.store);
  const { metrics, server } = await serveMetrics('ingest', config.metrics, () => storeAnswers(store), log);
  try {
    await ensureSchema(store, config);
    const total = countSourceFiles(paths);
    const bar = process.stderr.isTTY
      ? new SingleBar(
          {
            stream: process.stderr,
            format: 'ingest [{bar}] {value}/{total} files | {events} events',
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : null;
    bar?.start(total, 0, { events: 0 });
    let lastLine = Date.now();
    let lastRead = 0;
    try {
      return await ingestFiles(config, paths, {
        store,
        log,
        signal,
        metrics,
        onProgress: (t, files) => {
          if (bar) {
            bar.update(files, { events: t.events });
            return;
          }
          if (Date.now() - lastLine >= config.logEverySeconds * 1000 || t.read - lastRead >= config.logEveryRecords) {
            log(accountingLine('ingest.progress', t, { files: `${files}/${total}` }));
            lastLine = Date.now();
            lastRead = t.read;
          }
        },
      });
    } finally {
      bar?.stop();
    }
  } finally {
    await server?.close();
    await store.close();
  }
}

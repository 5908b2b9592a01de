// `npm start`: without KAFKA_BROKERS, load samples/ into the embedded store and show the active listings;
// with KAFKA_BROKERS, run the consumer.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import type { ConfigOverrides } from '../config.ts';
import { openStore } from '../../queries/client.ts';
import { listNamed, runNamed } from '../../queries/named.ts';
import { formatRows } from '../../queries/format.ts';
import { startConsume } from '../consume-run.ts';
import { runIngest, summaryLine } from './ingest.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../samples');

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'npm start: no KAFKA_BROKERS → load samples/ into the embedded store and print the active block-list table; with KAFKA_BROKERS → consume',
    )
    .option('--data-dir <dir>', 'embedded store directory (default: BOUNCE_DATA_DIR or ./data)')
    .option('--samples <dir>', 'bounces to load when there is no Kafka', SAMPLES)
    .addHelpText(
      'after',
      '\nThe sample incident is from 2018, so "active" is judged as of the newest bounce in the store.',
    )
    .action(async (flags: ConfigOverrides & { samples: string }) => {
      const config = loadConfig(process.env, flags);
      if (config.kafka.brokers.length > 0) {
        const run = await startConsume(config, { handleSignals: true });
        await run.done;
        return;
      }
      // Every sample set under samples/, but not the README that describes them.
      const sets = fs
        .readdirSync(flags.samples)
        .filter((n) => !n.startsWith('.') && !n.endsWith('.md'))
        .map((n) => path.join(flags.samples, n));
      const summary = await runIngest(config, sets);
      process.stderr.write(`${summaryLine(summary)}\n`);
      const store = await openStore(config.store);
      try {
        const rs = await store.client.query({
          query: 'SELECT toString(max(bounced_at)) AS latest, uniqExact(event_id) AS events FROM bounce_events',
          format: 'JSONEachRow',
        });
        const [{ latest, events }] = await rs.json<{ latest: string; events: string | number }>();
        if (summary.events > 0 && Number(events) === 0) {
          // The TTL is fixed when a store is first migrated: one made with a shorter retention drops the 2018 samples.
          process.stderr.write(
            `start: the store kept none of the ${summary.events} sample events: ${config.store.url ?? config.store.dataDir} was migrated ` +
              "with a shorter BOUNCE_RETENTION_DAYS than the samples' age, so its TTL expired them at insert. Use a fresh BOUNCE_DATA_DIR.\n",
          );
        }
        const query = listNamed().find((q) => q.name === 'active-listings');
        const params: Record<string, string> = query?.params.some((p) => p.name === 'now') ? { now: latest } : {};
        const rows = await runNamed(store, 'active-listings', params);
        process.stdout.write(
          `Active block listings as of ${latest} UTC (the newest bounce in ${config.store.url ?? config.store.dataDir}):\n\n`,
        );
        process.stdout.write(rows.length ? formatRows(rows, 'table') : '(none)\n');
        process.stdout.write(
          `\n${summary.read} sample messages → ${summary.events} new events stored (${events} in the store), ` +
            `${rows.length} listing(s) active, ${Object.values(summary.deadLettered).reduce((a, b) => a + b, 0)} dead-lettered, ` +
            `${Object.values(summary.skipped).reduce((a, b) => a + b, 0)} skipped. Next: bounce-pipeline query --help\n`,
        );
      } finally {
        await store.close();
      }
    });
}

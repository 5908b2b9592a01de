// `bounce-pipeline migrate`: apply pending schema migrations (queries/migrations/*.sql) and print what it did.
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides } from '../config.ts';
import { openStore } from '../../queries/client.ts';
import { migrate } from '../../queries/migrate.ts';

interface MigrateFlags extends ConfigOverrides {
  dryRun?: boolean;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create or update the ClickHouse schema (tables, rollups, views); safe to run any number of times')
    .option('--dry-run', 'only list applied and pending migrations')
    .option('--data-dir <dir>', 'embedded store directory (default: BOUNCE_DATA_DIR or ./data)')
    .option('--clickhouse-url <url>', 'ClickHouse server instead of the embedded store (default: CLICKHOUSE_URL)')
    .addHelpText(
      'after',
      '\nRetention (BOUNCE_RETENTION_DAYS), episode gap (BOUNCE_EPISODE_GAP_HOURS) and cluster (CLICKHOUSE_CLUSTER)\n' +
        'are read when a migration is first applied; see docs/SCHEMA.md.',
    )
    .action(async (flags: MigrateFlags) => {
      const config = loadConfig(process.env, flags);
      const store = await openStore(config.store);
      try {
        const r = await migrate(store, {
          retentionDays: config.store.retentionDays,
          episodeGapHours: config.store.episodeGapHours,
          cluster: config.store.cluster,
          dryRun: flags.dryRun ?? false,
        });
        const where = store.kind === 'server' ? config.store.url : config.store.dataDir;
        const lines = [
          ...r.existing.map((n) => `already applied  ${n}`),
          ...r.applied.map((n) => `applied          ${n}`),
          ...r.pending.map((n) => `pending          ${n}`),
          `migrate.done store=${store.kind} (${where}) database=${store.database} applied=${r.applied.length} pending=${r.pending.length} existing=${r.existing.length}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}

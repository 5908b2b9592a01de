// `bounce-pipeline sql "SELECT ..." [--format table|csv|json]`: ad-hoc SQL for postmasters, read-only.
// The session runs with readonly=2: SELECT, SHOW, DESCRIBE, EXPLAIN and SET work; INSERT, ALTER, DROP,
// TRUNCATE and CREATE are refused by ClickHouse itself, so nobody drops a table by accident.
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides } from '../config.ts';
import { BouncePipelineError, ConfigError } from '../../shared/errors.ts';
import { openReadOnlyClient, openStore } from '../../queries/client.ts';
import { ensureSchema } from '../../queries/migrate.ts';
import { formatRows, isOutputFormat, OUTPUT_FORMATS } from '../../queries/format.ts';

interface SqlFlags extends ConfigOverrides {
  format: string;
}

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description(
      'run ad-hoc read-only SQL against the store (tables: bounce_events, bounce_hourly, listing_hourly, v_* views)',
    )
    .argument('<query>', 'one SQL statement, e.g. "SELECT provider, count() FROM v_events GROUP BY provider"')
    .option('-f, --format <format>', `output: ${OUTPUT_FORMATS.join(', ')}`, 'table')
    .option('--data-dir <dir>', 'embedded store directory (default: BOUNCE_DATA_DIR or ./data)')
    .option('--clickhouse-url <url>', 'ClickHouse server instead of the embedded store (default: CLICKHOUSE_URL)')
    .addHelpText(
      'after',
      '\nRead-only (readonly=2): writes and DDL are refused. Use `migrate` for schema changes. See docs/SCHEMA.md.',
    )
    .action(async (query: string, flags: SqlFlags) => {
      if (!isOutputFormat(flags.format))
        throw new ConfigError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${flags.format}`);
      const config = loadConfig(process.env, flags);
      const store = await openStore(config.store);
      try {
        await ensureSchema(store, config);
        const ro = await openReadOnlyClient(store);
        try {
          let rows: Record<string, unknown>[];
          try {
            const rs = await ro.query({
              query: query.trim().replace(/;\s*$/, ''),
              format: 'JSONEachRow',
            });
            rows = await rs.json<Record<string, unknown>>();
          } catch (err) {
            const msg = (err as Error).message;
            const hint = /readonly/i.test(msg) ? ' (this command is read-only: use migrate for schema changes)' : '';
            throw new BouncePipelineError(`sql: ${msg.trim()}${hint}`, { stage: 'store', cause: err });
          }
          process.stdout.write(formatRows(rows, flags.format));
        } finally {
          await ro.close();
        }
      } finally {
        await store.close();
      }
    });
}

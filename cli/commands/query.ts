// `bounce-pipeline query NAME [--param k=v ...] [--format table|csv|json]`: run a named trend query (queries/named/*.sql).
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides } from '../config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { openStore } from '../../queries/client.ts';
import { ensureSchema } from '../../queries/migrate.ts';
import { listNamed, runNamed } from '../../queries/named.ts';
import { formatRows, isOutputFormat, OUTPUT_FORMATS } from '../../queries/format.ts';

interface QueryFlags extends ConfigOverrides {
  param: string[];
  format: string;
  list?: boolean;
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description(
      'run a named trend query (active-listings, listings-timeline, fleet-spread ...); --list shows them all',
    )
    .argument('[name]', 'query name (see --list)')
    .option(
      '-p, --param <k=v>',
      'query parameter, repeatable (times: YYYY-MM-DD[ hh:mm:ss] UTC, ISO 8601, now, now-24h, now-7d, today)',
      collect,
      [],
    )
    .option('-f, --format <format>', `output: ${OUTPUT_FORMATS.join(', ')}`, 'table')
    .option('-l, --list', 'list the named queries with their parameters and descriptions')
    .option('--data-dir <dir>', 'embedded store directory (default: BOUNCE_DATA_DIR or ./data)')
    .option('--clickhouse-url <url>', 'ClickHouse server instead of the embedded store (default: CLICKHOUSE_URL)')
    .addHelpText('after', '\nExample: bounce-pipeline query active-listings --param provider=microsoft --format csv')
    .action(async (name: string | undefined, flags: QueryFlags) => {
      if (flags.list || !name) {
        process.stdout.write(describeNamed());
        return;
      }
      if (!isOutputFormat(flags.format))
        throw new ConfigError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${flags.format}`);
      const params = parseParams(flags.param);
      const config = loadConfig(process.env, flags);
      const store = await openStore(config.store);
      try {
        await ensureSchema(store, config);
        const rows = await runNamed(store, name, params);
        const info = listNamed().find((q) => q.name === name);
        process.stdout.write(formatRows(rows, flags.format, info?.columns));
      } finally {
        await store.close();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseParams(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--param expects k=v, got "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

export function describeNamed(): string {
  const blocks = listNamed().map((q) => {
    const params = q.params.map((p) => {
      const def = p.default === undefined ? 'required' : `default ${p.default === '' ? "''" : p.default}`;
      const allowed = p.allowed ? `; one of ${p.allowed.join(', ')}` : '';
      return `    --param ${p.name}=<${p.type}>  (${def}${allowed})${p.help ? `  ${p.help}` : ''}`;
    });
    return [`${q.name}`, `    ${q.description}`, ...params, `    columns: ${q.columns.join(', ')}`].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

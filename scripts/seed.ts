// npm run seed -- --events 10000000 [--start 2026-11-02] [--days 28] [--seed 42] [--data-dir DIR]
// Synthetic, incident-shaped bounce traffic for a hoster fleet, generated inside ClickHouse (see queries/seed/).
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../cli/config.ts';
import { openStore } from '../queries/client.ts';
import { ensureSchema } from '../queries/migrate.ts';
import { seedStore } from '../queries/seed/run.ts';
import { BouncePipelineError } from '../shared/errors.ts';

const whole = (name: string) => (v: string) => {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

const program = new Command()
  .name('npm run seed --')
  .description(
    'Insert synthetic bounce events (baseline + block-list incidents) into bounce_events. Deterministic per --seed.',
  )
  .option('--events <n>', 'rows to insert, exactly', whole('--events'), 1_000_000)
  .option('--start <date>', 'first day (UTC, YYYY-MM-DD)', '2026-11-02')
  .option('--days <n>', 'days of traffic', whole('--days'), 28)
  .option('--seed <n>', 'seed of the hashed noise', whole('--seed'), 42)
  .option('--data-dir <dir>', 'embedded store folder (default BOUNCE_DATA_DIR or ./data)')
  .option('--clickhouse-url <url>', 'seed a ClickHouse server instead (default CLICKHOUSE_URL)')
  .addHelpText(
    'after',
    '\nIncidents: docs/report.md ("Seed generator") lists them; the data is synthetic (RFC 5737 ranges).',
  );

program.parse();
const opts = program.opts<{
  events: number;
  start: string;
  days: number;
  seed: number;
  dataDir?: string;
  clickhouseUrl?: string;
}>();

try {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.start))
    throw new BouncePipelineError(`--start must be YYYY-MM-DD, got ${opts.start}`, { stage: 'config' });
  const config = loadConfig(process.env, { dataDir: opts.dataDir, clickhouseUrl: opts.clickhouseUrl });
  const store = await openStore(config.store);
  try {
    await ensureSchema(store, config);
    const where = store.kind === 'embedded' ? config.store.dataDir : config.store.url;
    process.stdout.write(
      `seeding ${opts.events.toLocaleString('en')} events into ${where} (database ${store.database})\n`,
    );
    const result = await seedStore(
      store,
      { events: opts.events, start: new Date(`${opts.start}T00:00:00Z`), days: opts.days, seed: opts.seed },
      (p) =>
        process.stdout.write(
          `  ${p.phase}: ${p.rowsDone.toLocaleString('en')} / ${p.rowsTotal.toLocaleString('en')}\n`,
        ),
    );
    const secs = result.elapsedMs / 1000;
    process.stdout.write(
      `done: ${result.rows.toLocaleString('en')} rows (${result.plan.baselineRows.toLocaleString('en')} baseline, ` +
        `${(result.rows - result.plan.baselineRows).toLocaleString('en')} in ${result.plan.incidents.length} incidents) ` +
        `in ${secs.toFixed(1)} s (${Math.round(result.rows / secs).toLocaleString('en')} rows/s` +
        `${store.kind === 'embedded' ? `, ${(result.cpuMs / 1000).toFixed(1)} s CPU` : ''})\n`,
    );
    for (const i of result.plan.incidents) {
      process.stdout.write(
        `  ${i.id.padEnd(14)} ${new Date(i.first * 1000).toISOString().slice(0, 16)} → ` +
          `${new Date(i.last * 1000).toISOString().slice(0, 16)}  ${String(i.ips.length).padStart(3)} IPs  ${i.title}\n`,
      );
    }
  } finally {
    await store.close();
  }
} catch (err) {
  if (err instanceof BouncePipelineError) {
    process.stderr.write(`seed: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}

// `bounce-pipeline report weekly [--week 2026-W48] [--out DIR] [--format html,csv,md,json]`: the weekly deliverability report.
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides } from '../config.ts';
import { openStore } from '../../queries/client.ts';
import { ensureSchema } from '../../queries/migrate.ts';
import { buildWeeklyReport } from '../../queries/report/weekly.ts';
import { lastCompleteIsoWeek, parseIsoWeek } from '../../queries/report/week.ts';
import { parseFormats, writeReport } from '../../queries/report/write.ts';

interface WeeklyFlags extends ConfigOverrides {
  week?: string;
  out: string;
  format: string;
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('reports built from the store');
  report
    .command('weekly')
    .description(
      'weekly deliverability report: totals, block-list listings (new, ended, active), fleet spread, accounts before listings, top reasons',
    )
    .option('-w, --week <YYYY-Www>', 'ISO week, e.g. 2026-W48 (default: the last complete ISO week, UTC)')
    .option('-o, --out <dir>', 'output folder', './reports')
    .option('-f, --format <list>', 'comma-separated: html, csv, md, json', 'html,csv,md,json')
    .option('--data-dir <dir>', 'embedded store directory (default: BOUNCE_DATA_DIR or ./data)')
    .option('--clickhouse-url <url>', 'ClickHouse server instead of the embedded store (default: CLICKHOUSE_URL)')
    .addHelpText(
      'after',
      '\nFiles: report-<week>.html, .md, .json and report-<week>-<section>.csv (one per section).\n' +
        'Example: bounce-pipeline report weekly --week 2026-W48 --out ./reports --format html,md',
    )
    .action(async (flags: WeeklyFlags) => {
      const week = flags.week ? parseIsoWeek(flags.week) : lastCompleteIsoWeek(new Date());
      const formats = parseFormats(flags.format);
      const config = loadConfig(process.env, flags);
      const store = await openStore(config.store);
      try {
        await ensureSchema(store, config);
        const t0 = performance.now();
        const model = await buildWeeklyReport(store, { week });
        const files = writeReport(model, flags.out, formats);
        process.stdout.write(
          `weekly report ${week.label} (${model.week.start.slice(0, 10)} to ${model.week.end.slice(0, 10)}, UTC) ` +
            `built in ${Math.round(performance.now() - t0)} ms; wrote:\n${files.map((f) => `  ${f}\n`).join('')}`,
        );
      } finally {
        await store.close();
      }
    });
}

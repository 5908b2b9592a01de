// bounce-pipeline: the command line. Each command lives in cli/commands/<name>.ts and registers itself here.
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { BouncePipelineError } from '../shared/errors.ts';

type Register = (program: Command) => void;

// Each command's module, loaded only when it runs: `parse` need not load kafkajs, chdb or date-fns (a few hundred
// ms of start-up together). Help, an unknown command or no command loads them all, in this order.
const COMMANDS: Record<string, () => Promise<Register>> = {
  parse: async () => (await import('./commands/parse.ts')).registerParse,
  ingest: async () => (await import('./commands/ingest.ts')).registerIngest,
  produce: async () => (await import('./commands/produce.ts')).registerProduce,
  consume: async () => (await import('./commands/consume.ts')).registerConsume,
  migrate: async () => (await import('./commands/migrate.ts')).registerMigrate,
  query: async () => (await import('./commands/query.ts')).registerQuery,
  sql: async () => (await import('./commands/sql.ts')).registerSql,
  report: async () => (await import('./commands/report.ts')).registerReport,
  start: async () => (await import('./commands/start.ts')).registerStart,
};

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const program = new Command()
  .name('bounce-pipeline')
  .version(version)
  .description(
    'Bounce analytics for mail hosters: classify bounces (Microsoft block-list S3150 and the rest) by sending IP,\n' +
      'stream them through Kafka into ClickHouse, and answer "which of our IPs are listed, by whom, since when".',
  )
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    '\nConfiguration comes from environment variables (KAFKA_BROKERS, CLICKHOUSE_URL, BOUNCE_DATA_DIR, ...);\n' +
      'flags override them. See README.md for the full list.',
  );

// The program has no options of its own besides --help and --version, so the first word is the command.
const named = process.argv.slice(2).find((a) => !a.startsWith('-'));
const wanted =
  named !== undefined &&
  Object.hasOwn(COMMANDS, named) &&
  !process.argv.includes('--version') &&
  !process.argv.includes('-V')
    ? [named]
    : Object.keys(COMMANDS);
for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]()))) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof BouncePipelineError) {
    process.stderr.write(`bounce-pipeline: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}

// bounce-pipeline: the command line. Each command lives in cli/commands/<name>.ts and registers itself here.
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { BouncePipelineError } from '../shared/errors.ts';
import { registerParse } from './commands/parse.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerProduce } from './commands/produce.ts';
import { registerConsume } from './commands/consume.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerQuery } from './commands/query.ts';
import { registerSql } from './commands/sql.ts';
import { registerReport } from './commands/report.ts';
import { registerStart } from './commands/start.ts';

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

for (const register of [
  registerParse, registerIngest, registerProduce, registerConsume, registerMigrate,
  registerQuery, registerSql, registerReport, registerStart,
]) {
  register(program);
}

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

// `bounce-pipeline consume`: the main job. Kafka → transform → store until SIGINT/SIGTERM, then commit and account.
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import type { ConfigOverrides } from '../config.ts';
import { ConfigError } from '../../shared/errors.ts';
import { explainingKafkaErrors, NO_BROKERS_HELP } from '../../ingest/kafka-client.ts';
import { startConsume } from '../consume-run.ts';
import { addKafkaSecurityOptions, addMetricsOption } from '../kafka-options.ts';

interface ConsumeFlags extends ConfigOverrides {
  idleExitMs?: string;
}

export function registerConsume(program: Command): void {
  const cmd = program
    .command('consume')
    .description(
      'consume raw bounces from Kafka into the store until SIGINT/SIGTERM (then finish the batch, commit, print the accounting)',
    )
    .option('--brokers <list>', 'Kafka brokers host:port,... (default: KAFKA_BROKERS)')
    .option('--topic <name>', 'raw topic (default: KAFKA_TOPIC or bounces.raw)')
    .option('--dlq-topic <name>', 'dead-letter topic (default: KAFKA_DLQ_TOPIC or bounces.dlq)')
    .option('--group <id>', 'consumer group (default: KAFKA_GROUP or bounce-pipeline)')
    .option('--data-dir <dir>', 'embedded store directory (default: BOUNCE_DATA_DIR or ./data)')
    .option('--clickhouse-url <url>', 'ClickHouse server instead of the embedded store (default: CLICKHOUSE_URL)')
    .option('--batch-rows <n>', 'rows per insert (default: BOUNCE_BATCH_ROWS or 5000)')
    .option(
      '--workers <n>',
      'transform worker threads, 0 = on the main thread (default: BOUNCE_TRANSFORM_WORKERS or one per core, at most 4)',
    )
    .option(
      '--idle-exit-ms <ms>',
      'exit once the group has no lag and nothing arrived for this long (batch jobs, tests)',
    );
  addMetricsOption(addKafkaSecurityOptions(cmd))
    .addHelpText(
      'after',
      '\nOffsets are committed only after the store acknowledged the batch and its dead letters are written;\n' +
        'replays collapse on event_id and on the insert dedup token. Unparseable records go to the DLQ topic with\n' +
        'headers dlq-reason, dlq-stage, dlq-error, dlq-source-topic, dlq-partition, dlq-offset, dlq-at.\n' +
        'Output: progress lines on stderr; the closing `consume.accounting read=... balanced=yes` line on stdout.',
    )
    .action(async (flags: ConsumeFlags) => {
      const config = loadConfig(process.env, flags);
      if (config.kafka.brokers.length === 0) throw new ConfigError(`consume: ${NO_BROKERS_HELP}`);
      const idle = flags.idleExitMs === undefined ? undefined : Number(flags.idleExitMs);
      if (idle !== undefined && !(idle > 0))
        throw new ConfigError(`--idle-exit-ms must be a positive number of ms, got ${flags.idleExitMs}`);
      await explainingKafkaErrors(config, async () => {
        const run = await startConsume(config, { handleSignals: true, idleExitMs: idle });
        await run.done;
      });
    });
}

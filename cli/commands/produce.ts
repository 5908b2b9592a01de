// `bounce-pipeline produce PATH... | - | --watch MAILDIR`: files, folders, Maildir, mbox; one message from an MTA
// pipe; or a Maildir followed as an MDA fills it → the raw Kafka topic.
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config.ts';
import type { Config, ConfigOverrides } from '../config.ts';
import { addKafkaSecurityOptions, addMetricsOption } from '../kafka-options.ts';
import { EX_TEMPFAIL } from '../../shared/sysexits.ts';
import { timestamped } from '../../ingest/accounting.ts';
import { Partitioners } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { connectOrExplain, createKafka, ensureTopics, explainingKafkaErrors } from '../../ingest/kafka-client.ts';
import { produceSources } from '../../ingest/producer.ts';
import { produceStdin } from '../../ingest/produce-stdin.ts';
import { countSourceFiles, readSources } from '../../ingest/sources/files.ts';
import { runMaildirWatch } from '../watch-run.ts';
import { assertMaildir } from '../../ingest/sources/maildir-watch.ts';
import { ConfigError, BouncePipelineError } from '../../shared/errors.ts';

interface ProduceFlags extends ConfigOverrides {
  batchMessages: string;
  envelopeRecipient?: string;
  timeoutMs: string;
  watch?: string;
  delete?: boolean;
  pollMs: string;
}

const log = (line: string) => process.stderr.write(`${timestamped(line)}\n`);

export function registerProduce(program: Command): void {
  const cmd = program
    .command('produce')
    .description(
      'send raw bounce messages (files, folders, Maildir, mbox; `-` = one message on standard input; --watch MAILDIR) to the Kafka topic',
    )
    .argument(
      '[path...]',
      'files, folders, Maildir folders or mbox files; `-` reads one message from standard input (an MTA pipe)',
    )
    .option('--brokers <list>', 'Kafka brokers host:port,... (default: KAFKA_BROKERS)')
    .option('--topic <name>', 'topic to write (default: KAFKA_TOPIC or bounces.raw)')
    .option('--batch-messages <n>', 'messages per produce request', '1000')
    .option(
      '--envelope-recipient <address>',
      'with `-`: the address the MTA delivered the bounce to (Postfix ${recipient}); recorded as header envelope-recipient',
    )
    .option('--timeout-ms <ms>', 'with `-`: exit 75 (EX_TEMPFAIL) when Kafka has not acknowledged by then', '30000')
    .option(
      '--watch <maildir>',
      'follow a Maildir: produce every message in new/, then move it to cur/, until SIGTERM/SIGINT',
    )
    .option('--delete', 'with --watch: delete a message once Kafka acknowledged it instead of moving it to cur/')
    .option('--poll-ms <ms>', 'with --watch: how often new/ is looked at when it was empty', '500');
  addMetricsOption(addKafkaSecurityOptions(cmd))
    .addHelpText(
      'after',
      '\nKey = sha256 of the message, value = the bytes untouched, header `source` = the file path (or stdin).\n' +
        'The topic is created when missing (KAFKA_PARTITIONS partitions). Needs a broker: `npm run kafka -- start`.\n\n' +
        '`produce -` exits 0 once Kafka acknowledged the message (acks from all in-sync replicas), 65 (EX_DATAERR)\n' +
        'for empty input or input over BOUNCE_MAX_MESSAGE_BYTES, 75 (EX_TEMPFAIL) for anything else (no broker in\n' +
        'time, refused credentials, bad settings) so that the MTA keeps the message and retries. See docs/production.md.\n\n' +
        '`--watch` prints progress lines on stderr and `produce.watch.accounting ...` on stdout when stopped.',
    )
    .action(async (paths: string[], flags: ProduceFlags) => {
      if (paths.length === 1 && paths[0] === '-') return runStdin(flags);
      const config = loadConfig(process.env, flags);
      if (flags.watch) {
        if (paths.length > 0) throw new ConfigError('produce --watch MAILDIR takes no other paths');
        await assertMaildir(flags.watch); // before any connection: a typo should not wait for Kafka
        const kafka = createKafka(config, log, '-watch');
        await withTopic(kafka, config, (kafka) =>
          runMaildirWatch(config, kafka, {
            maildir: flags.watch!,
            deleteAfter: Boolean(flags.delete),
            pollMs: positive('--poll-ms', flags.pollMs),
            maxBatchMessages: positive('--batch-messages', flags.batchMessages),
            log,
          }),
        );
        return;
      }
      if (paths.length === 0) throw new ConfigError('produce: give PATH..., `-` (standard input) or --watch MAILDIR');
      if (paths.includes('-')) throw new ConfigError('produce: `-` (standard input) cannot be mixed with paths');
      await withTopic(createKafka(config, log, '-producer'), config, (kafka) =>
        produceFiles(config, kafka, paths, flags),
      );
    });
}

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name} must be a positive whole number, got ${raw}`);
  return n;
}

/** The MTA pipe: every outcome is an exit status, including a bad configuration (75: keep the message). */
async function runStdin(flags: ProduceFlags): Promise<void> {
  let code: number;
  try {
    const config = loadConfig(process.env, flags);
    code = await produceStdin(config, {
      input: process.stdin,
      envelopeRecipient: flags.envelopeRecipient,
      timeoutMs: positive('--timeout-ms', flags.timeoutMs),
      log,
      out: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (err) {
    if (!(err instanceof BouncePipelineError)) throw err;
    log(`produce.tempfail ${err.message} (exit ${EX_TEMPFAIL}: the MTA keeps the message and retries)`);
    code = EX_TEMPFAIL;
  }
  // kafkajs may still hold timers for a broker that never answered; the status is decided.
  process.exit(code);
}

async function withTopic(
  kafka: Kafka,
  config: Readonly<Config>,
  run: (kafka: Kafka) => Promise<unknown>,
): Promise<void> {
  await explainingKafkaErrors(config, () => withTopicRaw(kafka, config, run));
}

async function withTopicRaw(
  kafka: Kafka,
  config: Readonly<Config>,
  run: (kafka: Kafka) => Promise<unknown>,
): Promise<void> {
  const admin = kafka.admin();
  await connectOrExplain(admin, config);
  try {
    await ensureTopics(admin, [config.kafka.topic], config.kafka.partitions);
  } finally {
    await admin.disconnect();
  }
  await run(kafka);
}

async function produceFiles(
  config: Readonly<Config>,
  kafka: Kafka,
  paths: string[],
  flags: ProduceFlags,
): Promise<void> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await connectOrExplain(producer, config);
  const bar = process.stderr.isTTY
    ? new SingleBar({ stream: process.stderr, format: 'produce [{bar}] {value}/{total} files' }, Presets.shades_classic)
    : null;
  try {
    bar?.start(countSourceFiles(paths), 0);
    const started = Date.now();
    const summary = await produceSources(readSources(paths), {
      producer,
      topic: config.kafka.topic,
      log,
      maxBatchMessages: Number(flags.batchMessages) || 1000,
      onFile: () => bar?.increment(),
    });
    bar?.stop();
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `produce.summary topic=${config.kafka.topic} produced=${summary.produced} bytes=${summary.bytes} unreadable=${summary.unreadable} seconds=${seconds.toFixed(1)}\n`,
    );
    if (summary.unreadable > 0) process.exitCode = 1;
  } finally {
    bar?.stop();
    await producer.disconnect();
  }
}

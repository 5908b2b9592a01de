// `bounce-pipeline produce PATH...`: files, folders, Maildir, mbox → the raw Kafka topic.
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config.ts';
import { timestamped } from '../../ingest/accounting.ts';
import { Partitioners } from 'kafkajs';
import { connectOrExplain, createKafka, ensureTopics } from '../../ingest/kafka-client.ts';
import { produceSources } from '../../ingest/producer.ts';
import { countSourceFiles, readSources } from '../../ingest/sources/files.ts';

interface ProduceFlags { brokers?: string; topic?: string; batchMessages: string }

export function registerProduce(program: Command): void {
  program
    .command('produce')
    .description('send raw bounce messages (files, folders, Maildir, mbox) to the Kafka topic, one message per record')
    .argument('<path...>', 'files, folders, Maildir folders or mbox files')
    .option('--brokers <list>', 'Kafka brokers host:port,... (default: KAFKA_BROKERS)')
    .option('--topic <name>', 'topic to write (default: KAFKA_TOPIC or bounces.raw)')
    .option('--batch-messages <n>', 'messages per produce request', '1000')
    .addHelpText('after', '\nKey = sha256 of the message, value = the bytes untouched, header `source` = the file path.\n' +
      'The topic is created when missing (KAFKA_PARTITIONS partitions). Needs a broker: `npm run kafka -- start`.')
    .action(async (paths: string[], flags: ProduceFlags) => {
      const config = loadConfig(process.env, { brokers: flags.brokers, topic: flags.topic });
      const log = (line: string) => process.stderr.write(`${timestamped(line)}\n`);
      const kafka = createKafka(config, log, '-producer');
      const admin = kafka.admin();
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
      await connectOrExplain(admin, config);
      await producer.connect();
      const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'produce [{bar}] {value}/{total} files' }, Presets.shades_classic) : null;
      try {
        await ensureTopics(admin, [config.kafka.topic], config.kafka.partitions);
        bar?.start(await countSourceFiles(paths), 0);
        const started = Date.now();
        const summary = await produceSources(readSources(paths), {
          producer, topic: config.kafka.topic, log, maxBatchMessages: Number(flags.batchMessages) || 1000,
          onFile: () => bar?.increment(),
        });
        bar?.stop();
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(`produce.summary topic=${config.kafka.topic} produced=${summary.produced} bytes=${summary.bytes} unreadable=${summary.unreadable} seconds=${seconds.toFixed(1)}\n`);
        if (summary.unreadable > 0) process.exitCode = 1;
      } finally {
        bar?.stop();
        await producer.disconnect();
        await admin.disconnect();
      }
    });
}

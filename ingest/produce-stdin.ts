// `produce -`: one message from an MTA pipe → the raw topic, with the exit status the MTA acts on.
// 0 only once Kafka acknowledged the record from all in-sync replicas; 65 for input retrying cannot fix (empty,
// over the size cap); 75 for everything else (no broker in time, refused credentials, bad settings), so the MTA
// keeps the message and tries again instead of losing it.
import type { Readable } from 'node:stream';
import { Partitioners } from 'kafkajs';
import type { KafkaOptions } from './kafka-options.ts';
import type { TransformOptions } from '../transform/bounce-event.ts';
import { EX_DATAERR, EX_OK, EX_TEMPFAIL } from '../shared/sysexits.ts';
import { errorText } from './pipeline.ts';
import { ENVELOPE_RECIPIENT_HEADER, isEnvelopeAddress } from './envelope.ts';
import { createKafka, ensureTopics, explainKafkaError } from './kafka-client.ts';
import type { Log } from './kafka-client.ts';
import { toMessage } from './producer.ts';
import { readOneMessage } from './sources/stdin.ts';

export interface ProduceStdinOptions {
  input: Readable;
  envelopeRecipient?: string;
  /** give up (75) when Kafka has not acknowledged by then */
  timeoutMs: number;
  log: Log;
  out: (line: string) => void;
}

export async function produceStdin(
  config: { readonly kafka: KafkaOptions; readonly parse: Pick<TransformOptions, 'maxMessageBytes'> },
  o: ProduceStdinOptions,
): Promise<number> {
  if (o.envelopeRecipient && !isEnvelopeAddress(o.envelopeRecipient)) {
    o.log(
      `produce.rejected reason=bad_envelope_recipient value=${JSON.stringify(o.envelopeRecipient)} (expected local@domain)`,
    );
    return EX_TEMPFAIL; // a setup mistake in the MTA's command line: keep the message until it is fixed
  }
  const read = await readOneMessage(o.input, config.parse.maxMessageBytes);
  if (read.kind === 'empty') {
    o.log('produce.rejected reason=empty_message (standard input had no message)');
    return EX_DATAERR;
  }
  if (read.kind === 'too_large') {
    o.log(
      `produce.rejected reason=message_too_large bytes=${read.bytes} cap=${config.parse.maxMessageBytes} (BOUNCE_MAX_MESSAGE_BYTES)`,
    );
    return EX_DATAERR;
  }
  // kafkajs logs every failed connection attempt; an MTA puts stderr into its log and its bounce, so only
  // the last few lines are shown, and only when the message could not be handed over.
  const kafkaLines: string[] = [];
  const kafkaLog = (line: string) => {
    kafkaLines.push(line);
    if (kafkaLines.length > 3) kafkaLines.shift();
  };
  const message = toMessage(
    { bytes: read.bytes, source: 'stdin' },
    o.envelopeRecipient ? { [ENVELOPE_RECIPIENT_HEADER]: o.envelopeRecipient } : {},
  );
  const kafka = createKafka(config, kafkaLog, '-pipe', {
    connectionTimeout: Math.min(5000, o.timeoutMs),
    // Keep trying until the deadline below decides; kafkajs' own retry budget would give up sooner or later than it.
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement from Kafka within ${o.timeoutMs} ms`)), o.timeoutMs);
  });
  try {
    const [meta] = await Promise.race([
      (async () => {
        await admin.connect();
        await ensureTopics(admin, [config.kafka.topic], config.kafka.partitions);
        await producer.connect();
        return producer.send({ topic: config.kafka.topic, acks: -1, messages: [message] });
      })(),
      deadline,
    ]);
    o.out(
      `produce.acked topic=${config.kafka.topic} partition=${meta.partition} offset=${meta.baseOffset ?? ''} key=${String(message.key)} bytes=${read.bytes.length}`,
    );
    return EX_OK;
  } catch (err) {
    for (const line of kafkaLines) o.log(line);
    o.log(
      `produce.tempfail ${errorText(explainKafkaError(err, config), 1000)} (exit ${EX_TEMPFAIL}: the MTA keeps the message and retries)`,
    );
    return EX_TEMPFAIL;
  } finally {
    clearTimeout(timer);
    // A broker that never answered would hold the disconnect too; the caller exits with the status anyway.
    await Promise.race([
      Promise.allSettled([producer.disconnect(), admin.disconnect()]),
      new Promise((r) => setTimeout(r, 1000).unref()),
    ]);
  }
}

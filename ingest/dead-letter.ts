// Dead letters: the original bytes, untouched, plus why. Kafka → the DLQ topic with headers; file mode → <dataDir>/dlq.ndjson.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Producer } from 'kafkajs';
import type { Stage } from '../shared/errors.ts';
import type { RawRecord } from './sources/raw-record.ts';

export interface DeadLetter {
  record: RawRecord;
  reason: string; // machine code: mime_unparseable, message_too_large, store_rejected ...
  stage: Stage;
  error: string;
}

export interface DeadLetterWriter {
  /** Resolves once every letter is durable (Kafka: acked by all in-sync replicas; file: appended). */
  write(letters: DeadLetter[]): Promise<void>;
  readonly target: string;
}

const MAX_ERROR_HEADER_CHARS = 1000;

export function dlqHeaders(letter: DeadLetter, at: Date): Record<string, string> {
  const r = letter.record;
  return {
    'dlq-reason': letter.reason,
    'dlq-stage': letter.stage,
    'dlq-error': letter.error.slice(0, MAX_ERROR_HEADER_CHARS),
    'dlq-source-topic': r.topic ?? '',
    'dlq-partition': r.partition === undefined ? '' : String(r.partition),
    'dlq-offset': r.offset === undefined ? '' : String(r.offset),
    'dlq-source': r.source,
    'dlq-at': at.toISOString(),
  };
}

export function createKafkaDeadLetterWriter(producer: Producer, dlqTopic: string): DeadLetterWriter {
  return {
    target: `kafka topic ${dlqTopic}`,
    async write(letters) {
      if (letters.length === 0) return;
      const at = new Date();
      await producer.send({
        topic: dlqTopic,
        acks: -1,
        messages: letters.map((l) => ({
          key: l.record.key ?? null,
          value: l.record.bytes,
          headers: dlqHeaders(l, at),
        })),
      });
    },
  };
}

/** File mode: one JSON line per letter, bytes base64, so `jq` can inspect it and a tool can replay it. */
export function createFileDeadLetterWriter(dataDir: string): DeadLetterWriter {
  const file = path.join(dataDir, 'dlq.ndjson');
  return {
    target: file,
    async write(letters) {
      if (letters.length === 0) return;
      const at = new Date();
      const lines = letters.map(
        (l) => JSON.stringify({ ...dlqHeaders(l, at), bytes_base64: l.record.bytes.toString('base64') }) + '\n',
      );
      await fs.mkdir(dataDir, { recursive: true });
      await fs.appendFile(file, lines.join(''));
    },
  };
}

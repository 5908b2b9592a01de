// Sources (files, folders, Maildir, mbox) → the raw topic: key = sha256 of the message, value = the bytes untouched,
// header `source` = where it came from. Sent in batches with acks from all in-sync replicas.
import { createHash } from 'node:crypto';
import type { Message, Producer } from 'kafkajs';
import type { Log } from './kafka-client.ts';
import type { RawRecord, SourceItem } from './sources/raw-record.ts';

export interface ProduceOptions {
  producer: Producer;
  topic: string;
  maxBatchMessages?: number;
  maxBatchBytes?: number;
  /** called once per source file finished (mbox: once for the whole file) */
  onFile?: () => void;
  log: Log;
}

export interface ProduceSummary {
  produced: number;
  bytes: number;
  unreadable: number;
}

export function toMessage(record: Pick<RawRecord, 'bytes' | 'source'>, headers: Record<string, string> = {}): Message {
  return {
    key: createHash('sha256').update(record.bytes).digest('hex'),
    value: record.bytes,
    headers: { source: record.source, ...headers },
  };
}

export async function produceSources(items: AsyncIterable<SourceItem>, o: ProduceOptions): Promise<ProduceSummary> {
  const maxMessages = o.maxBatchMessages ?? 1000;
  // Under the broker default message.max.bytes (1 MiB), which bounds one partition's record batch.
  const maxBytes = o.maxBatchBytes ?? 900 * 1024;
  const summary: ProduceSummary = { produced: 0, bytes: 0, unreadable: 0 };
  let batch: Message[] = [];
  let batchBytes = 0;
  let lastFile: string | null = null;

  const send = async () => {
    if (batch.length === 0) return;
    await o.producer.sendBatch({ acks: -1, topicMessages: [{ topic: o.topic, messages: batch }] });
    summary.produced += batch.length;
    summary.bytes += batchBytes;
    batch = [];
    batchBytes = 0;
  };

  for await (const item of items) {
    const file = item.source.replace(/#\d+$/, '');
    if (lastFile !== null && file !== lastFile) o.onFile?.();
    lastFile = file;
    if (item.kind === 'error') {
      summary.unreadable++;
      o.log(`produce.source_unreadable source=${item.source} error=${JSON.stringify(item.error)}`);
      continue;
    }
    batch.push(toMessage(item));
    batchBytes += item.bytes.length;
    if (batch.length >= maxMessages || batchBytes >= maxBytes) await send();
  }
  await send();
  if (lastFile !== null) o.onFile?.();
  return summary;
}

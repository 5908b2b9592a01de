// `produce --watch MAILDIR`: every message an MDA delivers into new/ goes to the raw topic; only after Kafka
// acknowledged it (all in-sync replicas) does it move to cur/ (or get deleted). A kill between the ack and the move
// produces the file again on restart: same bytes, same key, same event ids, so the store keeps it once.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, Producer } from 'kafkajs';
import { ENVELOPE_RECIPIENT_HEADER } from '../envelope.ts';
import { errorText } from '../pipeline.ts';
import { ConfigError } from '../../shared/errors.ts';
import type { Log } from '../kafka-client.ts';
import { toMessage } from '../producer.ts';

export interface MaildirWatchOptions {
  maildir: string;
  producer: Producer;
  topic: string;
  /** delete a message once acknowledged instead of moving it to cur/ */
  deleteAfter: boolean;
  /** files larger than this stay in new/ (the consumer would only dead-letter them) */
  maxMessageBytes: number;
  maxBatchMessages: number;
  pollMs: number;
  /** wait after a failed produce before trying the same files again */
  retryMs: number;
  signal: AbortSignal;
  log: Log;
  /** after each look at new/: how many messages wait there */
  onLook?: (pending: number) => void;
  /** after each acknowledged and moved batch */
  onBatch?: (summary: MaildirWatchSummary, batch: { messages: number; bytes: number; seconds: number }) => void;
}

export interface MaildirWatchSummary {
  produced: number;
  bytes: number;
  moved: number;
  deleted: number;
  /** files over the size cap, left in new/ (counted once per run) */
  tooLarge: number;
  /** files that vanished or could not be read between listing and reading (another reader took them) */
  unreadable: number;
  /** files in new/ at the last look */
  pending: number;
}

/** The MDA's Delivered-To header (Postfix local/virtual, Dovecot LDA) names the address the bounce came to. */
const DELIVERED_TO = /^Delivered-To:[ \t]*<?([^\s<>]+@[^\s<>]+)>?[ \t]*$/im;

export function deliveredTo(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 16 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  return DELIVERED_TO.exec(end < 0 ? head : head.slice(0, end))?.[1];
}

/** Maildir's cur/ name carries the info suffix ":2,<flags>"; a file moved from new/ gets an empty one. */
const curName = (name: string): string => (name.includes(':2,') ? name : `${name}:2,`);

export async function assertMaildir(dir: string): Promise<void> {
  for (const sub of ['new', 'cur']) {
    const stat = await fs.stat(path.join(dir, sub)).catch(() => null);
    if (!stat?.isDirectory())
      throw new ConfigError(
        `${dir} is not a Maildir: ${path.join(dir, sub)} is missing (a Maildir has tmp/, new/ and cur/)`,
      );
  }
}

export async function watchMaildir(o: MaildirWatchOptions): Promise<MaildirWatchSummary> {
  await assertMaildir(o.maildir);
  const newDir = path.join(o.maildir, 'new');
  const curDir = path.join(o.maildir, 'cur');
  const summary: MaildirWatchSummary = {
    produced: 0,
    bytes: 0,
    moved: 0,
    deleted: 0,
    tooLarge: 0,
    unreadable: 0,
    pending: 0,
  };
  const tooLarge = new Set<string>();

  while (!o.signal.aborted) {
    const names = (await fs.readdir(newDir)).filter((n) => !n.startsWith('.') && !tooLarge.has(n)).sort();
    summary.pending = names.length;
    o.onLook?.(names.length);
    if (names.length === 0) {
      await sleep(o.pollMs, undefined, { signal: o.signal }).catch(() => undefined);
      continue;
    }
    // The batch in hand is always finished (produced, acknowledged, moved) even when a stop arrives meanwhile.
    const batch: { name: string; message: Message; bytes: number }[] = [];
    for (const name of names.slice(0, o.maxBatchMessages)) {
      const file = path.join(newDir, name);
      let bytes: Buffer;
      try {
        const stat = await fs.stat(file);
        if (stat.size > o.maxMessageBytes) {
          tooLarge.add(name);
          summary.tooLarge++;
          o.log(`maildir.too_large file=${file} bytes=${stat.size} cap=${o.maxMessageBytes} (left in new/)`);
          continue;
        }
        bytes = await fs.readFile(file);
      } catch (err) {
        summary.unreadable++;
        o.log(`maildir.unreadable file=${file} error=${JSON.stringify((err as Error).message)}`);
        continue;
      }
      const envelope = deliveredTo(bytes);
      batch.push({
        name,
        bytes: bytes.length,
        message: toMessage({ bytes, source: file }, envelope ? { [ENVELOPE_RECIPIENT_HEADER]: envelope } : {}),
      });
    }
    if (batch.length === 0) continue;
    const started = Date.now();
    try {
      await o.producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic: o.topic, messages: batch.map((b) => b.message) }],
      });
    } catch (err) {
      // Nothing moved: the files stay in new/ and go again once Kafka answers (a daemon does not give up).
      o.log(
        `maildir.produce_failed files=${batch.length} retry_in_ms=${o.retryMs} error=${JSON.stringify(errorText(err, 500))}`,
      );
      await sleep(o.retryMs, undefined, { signal: o.signal }).catch(() => undefined);
      continue;
    }
    const bytes = batch.reduce((n, b) => n + b.bytes, 0);
    summary.produced += batch.length;
    summary.bytes += bytes;
    for (const b of batch) {
      const from = path.join(newDir, b.name);
      if (o.deleteAfter) {
        await fs.rm(from, { force: true });
        summary.deleted++;
      } else {
        await fs.rename(from, path.join(curDir, curName(b.name)));
        summary.moved++;
      }
    }
    o.onBatch?.(summary, { messages: batch.length, bytes, seconds: (Date.now() - started) / 1000 });
  }
  return summary;
}

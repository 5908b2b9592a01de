// The store sink: batches processed records (rows / age), inserts their events with a dedup token, writes the
// batch's dead letters, and reports a tally. One bounded, jittered retry policy for retriable store errors;
// a non-retriable refusal sends the batch's records to the DLQ as store_rejected. Only after write() resolves
// may a source acknowledge (commit) the batch.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BounceEvent } from '../transform/bounce-event.ts';
import { StoreWriteError } from '../transform/errors.ts';
import type { DeadLetter, DeadLetterWriter } from './dead-letter.ts';
import type { StepResult } from './pipeline.ts';
import { errorText } from './pipeline.ts';
import type { RawRecord } from './sources/raw-record.ts';

export interface Processed {
  record: RawRecord;
  result: StepResult;
}

export type InsertFn = (events: BounceEvent[], dedupToken: string) => Promise<void>;

export interface RetryPolicy {
  retries: number;          // attempts after the first
  initialDelayMs: number;
  maxDelayMs: number;
  jitter: number;           // 0..1: each delay is scaled by a random factor in [1 - jitter, 1 + jitter]
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({ retries: 5, initialDelayMs: 200, maxDelayMs: 5000, jitter: 0.3 });

/** Delay before retry number `attempt` (1-based): exponential, capped, jittered. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (1 - policy.jitter + 2 * policy.jitter * random()));
}

export interface Tally {
  read: number;
  stored: number;       // records whose events are in the store
  events: number;
  deadLettered: Record<string, number>;
  skipped: Record<string, number>;
}

export function emptyTally(): Tally {
  return { read: 0, stored: 0, events: 0, deadLettered: {}, skipped: {} };
}

export function addTally(into: Tally, t: Tally): void {
  into.read += t.read;
  into.stored += t.stored;
  into.events += t.events;
  for (const [k, v] of Object.entries(t.deadLettered)) into.deadLettered[k] = (into.deadLettered[k] ?? 0) + v;
  for (const [k, v] of Object.entries(t.skipped)) into.skipped[k] = (into.skipped[k] ?? 0) + v;
}

export const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Kafka mode: the token names the offsets, so a replay of the same range is recognised by the store. */
export function kafkaDedupToken(topic: string, partition: number, firstOffset: number, lastOffset: number): string {
  return `${topic}:${partition}:${firstOffset}-${lastOffset}`;
}

/** File mode: a hash of the batch's event ids (which hash the message bytes), so re-ingesting a file matches. */
export function fileDedupToken(events: BounceEvent[]): string {
  const h = createHash('sha256');
  for (const e of events) h.update(e.event_id).update('\n');
  return `files:${h.digest('hex').slice(0, 32)}`;
}

export interface SinkOptions {
  insert: InsertFn;
  deadLetters: DeadLetterWriter;
  retry?: RetryPolicy;
  log?: (line: string) => void;
}

export interface Sink {
  /** Stores one batch; resolves with its tally once events and dead letters are durable. Throws StoreWriteError
   *  (retriable) when the store stayed unavailable through the whole retry policy: nothing may be acked then. */
  write(batch: Processed[], dedupToken: string | ((events: BounceEvent[]) => string)): Promise<Tally>;
}

export function createSink(options: SinkOptions): Sink {
  const policy = options.retry ?? DEFAULT_RETRY;
  const log = options.log ?? (() => undefined);

  async function insertWithRetry(events: BounceEvent[], token: string): Promise<{ rejected?: string }> {
    for (let attempt = 0; ; attempt++) {
      try {
        await options.insert(events, token);
        return {};
      } catch (err) {
        const retriable = !(err instanceof StoreWriteError) || err.retriable;
        if (!retriable) return { rejected: errorText(err) };
        if (attempt >= policy.retries) {
          throw new StoreWriteError(`store unavailable after ${attempt + 1} tries: ${errorText(err)}`, true, err);
        }
        const delay = retryDelayMs(policy, attempt + 1);
        log(`sink.insert_retried attempt=${attempt + 1} delay_ms=${delay} rows=${events.length} error=${JSON.stringify(errorText(err, 200))}`);
        await sleep(delay);
      }
    }
  }

  return {
    async write(batch, dedupToken) {
      const tally = emptyTally();
      tally.read = batch.length;
      const ok = batch.filter((p): p is Processed & { result: { kind: 'ok' } } => p.result.kind === 'ok');
      const events = ok.flatMap((p) => p.result.events);
      const letters: DeadLetter[] = [];
      if (events.length > 0) {
        const token = typeof dedupToken === 'string' ? dedupToken : dedupToken(events);
        const { rejected } = await insertWithRetry(events, token);
        if (rejected) {
          log(`sink.batch_rejected rows=${events.length} records=${ok.length} error=${JSON.stringify(rejected)}`);
          for (const p of ok) letters.push({ record: p.record, reason: 'store_rejected', stage: 'store', error: rejected });
        } else {
          tally.stored = ok.length;
          tally.events = events.length;
        }
      }
      for (const p of batch) {
        if (p.result.kind === 'dlq') letters.push({ record: p.record, reason: p.result.reason, stage: p.result.stage, error: p.result.error });
        if (p.result.kind === 'skip') tally.skipped[p.result.reason] = (tally.skipped[p.result.reason] ?? 0) + 1;
      }
      await options.deadLetters.write(letters);
      for (const l of letters) tally.deadLettered[l.reason] = (tally.deadLettered[l.reason] ?? 0) + 1;
      return tally;
    },
  };
}

/** Collects processed records until the batch holds maxRows events or its oldest record is maxAgeMs old. */
export class Batcher {
  private items: Processed[] = [];
  private rows = 0;
  private startedAt = 0;
  constructor(private readonly maxRows: number, private readonly maxAgeMs: number = Infinity, private readonly now: () => number = Date.now) {}

  add(p: Processed): void {
    if (this.items.length === 0) this.startedAt = this.now();
    this.items.push(p);
    if (p.result.kind === 'ok') this.rows += p.result.events.length;
  }

  get size(): number { return this.items.length; }

  full(): boolean {
    return this.items.length > 0 && (this.rows >= this.maxRows || this.now() - this.startedAt >= this.maxAgeMs);
  }

  take(): Processed[] {
    const out = this.items;
    this.items = [];
    this.rows = 0;
    return out;
  }
}

// The store sink: batches processed records (rows / age), inserts their events with a dedup token, writes the
// batch's dead letters, and reports a tally. While the store is unavailable it waits (capped, jittered backoff, no
// last attempt); when the store rejects the data it splits the batch down to the records that cause it, which go to
// the DLQ as store_rejected with the engine's message. Only after write() resolves may a source ack (commit) the batch.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BounceEvent } from '../transform/bounce-event.ts';
import { StoreWriteError } from '../shared/errors.ts';
import type { DeadLetter, DeadLetterWriter } from './dead-letter.ts';
import type { StepResult } from './pipeline.ts';
import { errorText } from './pipeline.ts';
import type { RawRecord } from './sources/raw-record.ts';

export interface Processed {
  record: RawRecord;
  result: StepResult;
}

/** replay: the batch may have been inserted before under this token; insert it whole (see insertEvents). */
export type InsertFn = (
  events: BounceEvent[],
  dedupToken: string,
  options?: { replay?: boolean; onRefill?: (events: number) => void },
) => Promise<void>;

/** Capped, jittered backoff while the store is unavailable. There is no last attempt: the sink waits until it is back. */
export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  jitter: number; // 0..1: each delay is scaled by a random factor in [1 - jitter, 1 + jitter]
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  initialDelayMs: 200,
  maxDelayMs: 5000,
  jitter: 0.3,
});

/** Delay before retry number `attempt` (1-based): exponential, capped, jittered. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (1 - policy.jitter + 2 * policy.jitter * random()));
}

export interface Tally {
  read: number;
  stored: number; // records whose events are in the store
  events: number;
  deadLettered: Record<string, number>;
  skipped: Record<string, number>;
  /** stored events the pipeline changed, by adjustment (date_in_future, cut:<column>); not part of the balance */
  adjusted: Record<string, number>;
}

export function emptyTally(): Tally {
  return { read: 0, stored: 0, events: 0, deadLettered: {}, skipped: {}, adjusted: {} };
}

export function addTally(into: Tally, t: Tally): void {
  into.read += t.read;
  into.stored += t.stored;
  into.events += t.events;
  for (const [k, v] of Object.entries(t.deadLettered)) into.deadLettered[k] = (into.deadLettered[k] ?? 0) + v;
  for (const [k, v] of Object.entries(t.skipped)) into.skipped[k] = (into.skipped[k] ?? 0) + v;
  for (const [k, v] of Object.entries(t.adjusted ?? {})) into.adjusted[k] = (into.adjusted[k] ?? 0) + v;
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
  /** tests: the wait between retries (real time otherwise) */
  sleep?: (ms: number) => Promise<void>;
}

export interface WriteOptions {
  /** the batch repeats an insert that may have half-landed (same records, same token): see InsertFn */
  replay?: boolean;
  /** checked while the store is unavailable: true = give the batch up (StoreWriteError, retriable; ack nothing) */
  abandon?: () => boolean;
}

export interface Sink {
  /** Stores one batch; resolves with its tally once events and dead letters are durable. While the store is
   *  unavailable it waits (capped backoff, no limit); records the store rejects are isolated by splitting the batch
   *  and dead-lettered as store_rejected. Throws StoreWriteError (retriable) only when abandoned: ack nothing then. */
  write(
    batch: Processed[],
    dedupToken: string | ((events: BounceEvent[]) => string),
    options?: WriteOptions,
  ): Promise<Tally>;
}

type OkItem = Processed & { result: { kind: 'ok' } };

export function createSink(options: SinkOptions): Sink {
  const policy = options.retry ?? DEFAULT_RETRY;
  const log = options.log ?? (() => undefined);
  const wait = options.sleep ?? ((ms: number) => sleep(ms));

  /** Inserts until it worked or the store rejected the rows; waits through unavailability (one line when it starts, one when it ends). */
  async function insertOrReject(
    events: BounceEvent[],
    token: string,
    abandon: () => boolean,
    replay: boolean,
  ): Promise<{ rejected?: string }> {
    let waitingSince = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const onRefill = (n: number) =>
          log(
            `sink.replay_refilled events=${n} token=${token} (a replayed chunk's part had not landed under its token; attached to bounce_events alone, the rollups had them)`,
          );
        // A retry repeats an insert that may have half-landed (the store died or the connection broke after the raw
        // part and before a rollup's, or after a part's dedup token and before its rows): the same records under
        // the same token, as a replay (see InsertFn).
        const again = replay || attempt > 1;
        await options.insert(events, token, again ? { replay: true, onRefill } : undefined);
        if (waitingSince) log(`sink.store_back waited_ms=${Date.now() - waitingSince} tries=${attempt}`);
        return {};
      } catch (err) {
        const retriable = !(err instanceof StoreWriteError) || err.retriable;
        if (!retriable) {
          if (waitingSince) log(`sink.store_back waited_ms=${Date.now() - waitingSince} tries=${attempt}`);
          return { rejected: engineMessage(err) };
        }
        if (!waitingSince) {
          waitingSince = Date.now();
          const what = /waiting for ([^)]*)\)/.exec(errorText(err, 2000))?.[1] ?? 'the store to answer';
          log(
            `sink.store_unavailable waiting for ${what}; retrying every ${policy.initialDelayMs}-${policy.maxDelayMs} ms until it is back, nothing is committed meanwhile (rows=${events.length} error=${JSON.stringify(errorText(err, 300))})`,
          );
        }
        if (abandon())
          throw new StoreWriteError(
            `store unavailable, batch abandoned (nothing committed): ${errorText(err)}`,
            true,
            err,
          );
        await wait(retryDelayMs(policy, attempt));
        if (abandon())
          throw new StoreWriteError(
            `store unavailable, batch abandoned (nothing committed): ${errorText(err)}`,
            true,
            err,
          );
      }
    }
  }

  /**
   * Stores the records' events; when the store rejects them, halves the records (each half with a token of its own)
   * until the rejected records stand alone. A record's events stay together, so a record is stored or rejected whole.
   */
  async function storeRecords(
    items: OkItem[],
    token: string,
    abandon: () => boolean,
    replay: boolean,
  ): Promise<{ stored: OkItem[]; rejected: { item: OkItem; error: string }[] }> {
    const events = items.flatMap((p) => p.result.events);
    const { rejected } = await insertOrReject(events, token, abandon, replay);
    if (!rejected) return { stored: items, rejected: [] };
    if (items.length === 1) {
      log(
        `sink.record_rejected source=${items[0].record.source} events=${events.length} error=${JSON.stringify(rejected.slice(0, 300))}`,
      );
      return { stored: [], rejected: [{ item: items[0], error: rejected }] };
    }
    log(
      `sink.batch_split records=${items.length} rows=${events.length} error=${JSON.stringify(rejected.slice(0, 300))}`,
    );
    const mid = Math.ceil(items.length / 2);
    const a = await storeRecords(items.slice(0, mid), `${token}/a`, abandon, replay);
    const b = await storeRecords(items.slice(mid), `${token}/b`, abandon, replay);
    return { stored: [...a.stored, ...b.stored], rejected: [...a.rejected, ...b.rejected] };
  }

  return {
    async write(batch, dedupToken, writeOptions = {}) {
      const abandon = writeOptions.abandon ?? (() => false);
      const tally = emptyTally();
      tally.read = batch.length;
      const ok = batch.filter((p): p is OkItem => p.result.kind === 'ok');
      const letters: DeadLetter[] = [];
      if (ok.length > 0) {
        const events = ok.flatMap((p) => p.result.events);
        const token = typeof dedupToken === 'string' ? dedupToken : dedupToken(events);
        const { stored, rejected } = await storeRecords(ok, token, abandon, writeOptions.replay ?? false);
        for (const { item, error } of rejected)
          letters.push({ record: item.record, reason: 'store_rejected', stage: 'store', error });
        tally.stored = stored.length;
        for (const p of stored) {
          tally.events += p.result.events.length;
          for (const e of p.result.events)
            for (const a of e.adjustments ?? []) tally.adjusted[a] = (tally.adjusted[a] ?? 0) + 1;
        }
      }
      for (const p of batch) {
        if (p.result.kind === 'dlq')
          letters.push({ record: p.record, reason: p.result.reason, stage: p.result.stage, error: p.result.error });
        if (p.result.kind === 'skip') tally.skipped[p.result.reason] = (tally.skipped[p.result.reason] ?? 0) + 1;
      }
      await options.deadLetters.write(letters);
      for (const l of letters) tally.deadLettered[l.reason] = (tally.deadLettered[l.reason] ?? 0) + 1;
      return tally;
    },
  };
}

/** The engine's own message, without our wrapping (the DLQ keeps what ClickHouse said). */
function engineMessage(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  return errorText(cause instanceof Error ? cause : err, 1000);
}

/**
 * Collects processed records until the batch holds maxRows events or its oldest record is maxAgeMs old. The age
 * limit bounds how long a record waits for its commit while records trickle in; under a backlog (the next records
 * are already in hand) it would only cut the batch short, and each insert has a large fixed cost (a part per year
 * and table), so a caller with a backlog closes by rows only.
 */
export class Batcher {
  private items: Processed[] = [];
  private rows = 0;
  private startedAt = 0;
  constructor(
    private readonly maxRows: number,
    private readonly maxAgeMs: number = Infinity,
    private readonly now: () => number = Date.now,
  ) {}

  add(p: Processed): void {
    if (this.items.length === 0) this.startedAt = this.now();
    this.items.push(p);
    if (p.result.kind === 'ok') this.rows += p.result.events.length;
  }

  get size(): number {
    return this.items.length;
  }

  full(backlog = false): boolean {
    if (this.items.length === 0) return false;
    return this.rows >= this.maxRows || (!backlog && this.now() - this.startedAt >= this.maxAgeMs);
  }

  take(): Processed[] {
    const out = this.items;
    this.items = [];
    this.rows = 0;
    return out;
  }
}

// Kafka → pipeline → sink, with offsets committed only after the sink stored the events and wrote the dead letters.
// Per chunk: commit "inflight:first-last" metadata at the first offset, insert with the token of that range,
// then commit last+1. After a crash, the next owner of the partition rebuilds exactly that chunk, so the
// store sees the same dedup token and drops the replayed block (raw table and rollups alike).
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { KafkaOptions } from '../kafka-options.ts';
import type { SinkOptions } from '../options.ts';
import { StoreWriteError } from '../../shared/errors.ts';
import type { Log } from '../kafka-client.ts';
import type { Pipeline, StepResult } from '../pipeline.ts';
import { errorText } from '../pipeline.ts';
import type { Processed, Sink, Tally } from '../sink.ts';
import { Batcher, kafkaDedupToken } from '../sink.ts';
import type { RawRecord } from './raw-record.ts';
import { ENVELOPE_RECIPIENT_HEADER } from '../envelope.ts';

export interface KafkaSourceOptions {
  kafka: Kafka;
  admin: Admin;
  config: { kafka: KafkaOptions; sink: SinkOptions };
  pipeline: Pipeline;
  sink: Sink;
  onTally: (tally: Tally) => void;
  log: Log;
  /** records started through the pipeline ahead of the one awaited (a transform pool's window; 1 = one at a time) */
  window?: number;
  /** records delivered again after this run had stored and committed them (a lost commit, a rebalance, a seek) */
  onRefetched?: (partition: number, count: number) => void;
}

const INFLIGHT = /^inflight:(\d+)-(\d+)$/;

// A partition's fetched batch bounds its chunks (one insert each), and an insert's cost is mostly fixed (a part per
// year and table: 3,000 events spanning 29 years cost about what 20,000 do), so a backlog is fetched in big
// batches: 10 MiB is about 2,300 corpus-sized bounces. The whole fetch stays under 32 MiB: kafkajs copies a response
// into one Buffer, and above 32 MiB each is fresh memory from the kernel (a raw consume of 32/50 MiB fetches took
// 38-44 µs of CPU per record, 30/30 MiB 18-26, 8/32 MiB 21-39). kafkajs asks for the partitions in the same order every
// time and the broker fills the fetch in that order: a partition may take a third of the fetch, not all of it, so
// under a lasting backlog every partition of three moves (with 30 MiB each the first one would take every fetch).
export const FETCH_MAX_BYTES_PER_PARTITION = 10 * 1024 * 1024;
export const FETCH_MAX_BYTES = 30 * 1024 * 1024;

/** Partitions of one fetch in work at once; a partition's own batches still run one after the other, in order. */
export const PARTITIONS_CONSUMED_CONCURRENTLY = 3;

export function toRawRecord(topic: string, partition: number, m: KafkaMessage): RawRecord {
  const offset = Number(m.offset);
  return {
    bytes: m.value ?? Buffer.alloc(0),
    source: `${topic}/${partition}/${offset}`,
    receivedAt: new Date(Number(m.timestamp)),
    partition,
    offset,
    topic,
    key: m.key,
    envelopeRecipient: m.headers?.[ENVELOPE_RECIPIENT_HEADER]?.toString() || undefined,
  };
}

export interface KafkaSource {
  consumer: Consumer;
  start(): Promise<void>;
  /** Finishes the chunk in hand, commits it, and leaves the group. */
  stop(): Promise<void>;
}

export function createKafkaSource(o: KafkaSourceOptions): KafkaSource {
  const { topic, group } = o.config.kafka;
  const consumer = o.kafka.consumer({
    groupId: group,
    // Let the broker build the batch: up to flushIntervalMs of waiting for at least 256 KiB.
    maxWaitTimeInMs: Math.min(o.config.sink.flushIntervalMs, 5000),
    minBytes: 256 * 1024,
    maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
    maxBytes: FETCH_MAX_BYTES,
    // A member killed without leaving blocks its partitions until the session times out; keep that short
    // (the broker's floor is 6 s) while leaving room for a chunk's transform time between heartbeats.
    sessionTimeout: Math.max(6_000, 10 * o.config.sink.flushIntervalMs),
    heartbeatInterval: Math.max(600, o.config.sink.flushIntervalMs),
  });
  // Partitions whose committed "inflight" metadata we have read since the last (re)join.
  let checked = new Map<number, { first: number; last: number } | null>();
  consumer.on(consumer.events.GROUP_JOIN, () => {
    checked = new Map();
  });
  // Per partition, the offset after the last chunk this run stored and committed. Kafka delivers at least once:
  // records below it that come again are skipped and counted as refetched, so the run's accounting (and the DLQ)
  // sees every record once. A new run starts empty and relies on the store's dedup instead.
  const doneBelow = new Map<number, number>();
  const heartbeatEveryMs = Math.max(600, o.config.sink.flushIntervalMs);

  async function intentFor(partition: number, firstOffset: number): Promise<number | undefined> {
    if (!checked.has(partition)) {
      const [t] = await o.admin.fetchOffsets({ groupId: group, topics: [topic] });
      const p = t?.partitions.find((x) => x.partition === partition);
      const m = p?.metadata ? INFLIGHT.exec(p.metadata) : null;
      checked.set(
        partition,
        m && Number(p!.offset) === Number(m[1]) ? { first: Number(m[1]), last: Number(m[2]) } : null,
      );
    }
    const intent = checked.get(partition);
    checked.set(partition, null); // only the first chunk after a join replays an interrupted one
    return intent && intent.first === firstOffset ? intent.last : undefined;
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs makes them arrow functions
    const { batch, resolveOffset, heartbeat } = payload;
    // The payload's commit works while the consumer is stopping (consumer.commitOffsets is a no-op then),
    // so a graceful shutdown commits the chunk it finished.
    const commit = (offset: number, metadata: string) =>
      payload.commitOffsetsIfNecessary({
        topics: [
          {
            topic,
            partitions: [{ partition, offset: String(offset), metadata } as { partition: number; offset: string }],
          },
        ],
      });
    const partition = batch.partition;
    if (batch.isEmpty()) return;
    const messages = skipRefetched(batch.messages, partition);
    if (messages.length < batch.messages.length) {
      const lastSkipped = Number(batch.messages[batch.messages.length - messages.length - 1].offset);
      resolveOffset(String(lastSkipped));
      // Commit again only up to where this run had committed, never behind it (the refetch may come from a lost commit).
      if (lastSkipped + 1 === doneBelow.get(partition)) await commit(lastSkipped + 1, '');
    }
    if (messages.length === 0) return;
    // kafkajs heartbeats only when asked; a slow chunk (a cold transform pool, a busy store) must not cost the
    // group membership. A failed heartbeat (the group is rebalancing) ends this batch after the chunk in hand.
    let heartbeatFailure: unknown;
    const beat = setInterval(() => {
      heartbeat().catch((err: unknown) => {
        heartbeatFailure ??= err;
      });
    }, heartbeatEveryMs);
    try {
      await consumeMessages(payload, messages, commit, () => heartbeatFailure);
    } finally {
      clearInterval(beat);
    }
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the heartbeat's rejection, as it came
    if (heartbeatFailure) throw heartbeatFailure;
  }

  function skipRefetched(messages: KafkaMessage[], partition: number): KafkaMessage[] {
    const below = doneBelow.get(partition);
    if (below === undefined) return messages;
    // Offsets in a batch ascend, so the records this run already stored are a prefix.
    let i = 0;
    while (i < messages.length && Number(messages[i].offset) < below) i++;
    if (i > 0) {
      o.log(
        `kafka.records_refetched partition=${partition} range=${messages[0].offset}-${messages[i - 1].offset} count=${i} (already stored by this run; skipped)`,
      );
      o.onRefetched?.(partition, i);
    }
    return i > 0 ? messages.slice(i) : messages;
  }

  async function consumeMessages(
    payload: EachBatchPayload,
    messages: KafkaMessage[],
    commit: (offset: number, metadata: string) => Promise<void>,
    heartbeatFailed: () => unknown,
  ): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs makes them arrow functions
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const partition = batch.partition;
    let forcedLast = await intentFor(partition, Number(messages[0].offset));
    if (forcedLast !== undefined)
      o.log(`kafka.chunk_replayed partition=${partition} range=${messages[0].offset}-${forcedLast}`);
    const batcher = new Batcher(o.config.sink.maxBatchRows, o.config.sink.flushIntervalMs);

    // replay: this chunk is the one an interrupted run had started to insert (its inflight commit). The insert may
    // have landed in bounce_events but not in every rollup (a kill between the two): send it again whole, with the
    // same token, so each table drops what it has and takes what it lacks.
    const flush = async (items: Processed[], replay: boolean): Promise<boolean> => {
      const first = items[0].record.offset!;
      const last = items[items.length - 1].record.offset!;
      await commit(first, `inflight:${first}-${last}`);
      let tally: Tally;
      try {
        // The sink waits while the store is unavailable; it gives the chunk up only when this member stops or
        // loses the group, and then nothing past `first` is resolved or committed: the next owner replays it.
        tally = await o.sink.write(items, kafkaDedupToken(topic, partition, first, last), {
          replay,
          abandon: () => !isRunning() || Boolean(heartbeatFailed()),
        });
      } catch (err) {
        if (!(err instanceof StoreWriteError && err.retriable)) throw err;
        o.log(
          `kafka.chunk_abandoned partition=${partition} range=${first}-${last} (not committed; replayed by the next owner) error=${JSON.stringify(errorText(err, 300))}`,
        );
        checked.delete(partition); // a refetch rebuilds this same chunk (same token) in case the insert landed
        return false;
      }
      resolveOffset(String(last));
      await commit(last + 1, '');
      doneBelow.set(partition, Math.max(doneBelow.get(partition) ?? 0, last + 1));
      o.onTally(tally);
      await heartbeat();
      return true;
    };

    // One chunk is stored while the next is transformed (the store works off the event loop). Chunks still
    // commit in order: a chunk's flush starts only after the previous one finished.
    let inFlight: Promise<{ ok: boolean } | { err: unknown }> = Promise.resolve({ ok: true });
    const settled = async (): Promise<boolean> => {
      const r = await inFlight;
      if ('err' in r) throw r.err;
      return r.ok;
    };
    const submit = async (replay = false): Promise<boolean> => {
      const items = batcher.take();
      if (!(await settled())) return false;
      inFlight = flush(items, replay).then(
        (ok) => ({ ok }),
        (err: unknown) => ({ err }),
      );
      return true;
    };

    // Records run through the pipeline up to `window` ahead (in parallel with a transform pool) and are taken
    // back strictly in offset order, so chunks, tokens and commits are the same as one at a time.
    const window = Math.max(1, o.window ?? 1);
    const ahead = new Map<number, { record: RawRecord; result: Promise<StepResult> }>();
    let started = 0;
    let n = 0;
    for (let i = 0; i < messages.length; i++) {
      if (!isRunning() || isStale() || heartbeatFailed()) break;
      for (; started < messages.length && started < i + window; started++) {
        const record = toRawRecord(topic, partition, messages[started]);
        ahead.set(started, { record, result: o.pipeline(record) });
      }
      const { record, result } = ahead.get(i)!;
      ahead.delete(i);
      batcher.add({ record, result: await result });
      const atForced = forcedLast !== undefined && record.offset! >= forcedLast;
      // With the rest of the batch in hand, a chunk closes on rows only (see Batcher); the batch's end closes it too.
      if (atForced || (forcedLast === undefined && batcher.full(i + 1 < messages.length))) {
        forcedLast = undefined;
        if (!(await submit(atForced))) return;
      }
      if (++n % 200 === 0) await heartbeat();
    }
    // A stale partition (revoked or seeked) is fetched again by its owner; storing it here would be wasted work.
    if (batcher.size > 0 && !isStale() && !heartbeatFailed() && !(await submit())) return;
    await settled();
  }

  return {
    consumer,
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // The partitions of a fetch are worked side by side: one chunk is stored (one insert at a time per store,
        // insertEvents) while the others are transformed. kafkajs fetches again once all of them are done.
        partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
        eachBatch,
      });
    },
    async stop() {
      await consumer.disconnect();
    },
  };
}

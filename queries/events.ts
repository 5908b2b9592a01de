// The one write path into the store: a batch of BounceEvents → bounce_events (JSONCompactEachRowWithNames), deduplicated
// by token.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Store } from './client.ts';
import type { BounceEvent } from '../transform/bounce-event.ts';
import { StoreWriteError } from '../shared/errors.ts';
import { classifyStoreError } from './store-errors.ts';

export const EVENTS_TABLE = 'bounce_events';

/** No insert block carries rows of more partitions (years) than this; ClickHouse refuses more than 100 by default. */
export const MAX_PARTITIONS_PER_INSERT = 50;

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** IPv6 column text: IPv4 stored mapped (::ffff:a.b.c.d), unknown ('') as ::. */
export function toIPv6Text(ip: string): string {
  if (ip === '') return '::';
  return IPV4.test(ip) ? `::ffff:${ip}` : ip;
}

/**
 * The columns an insert names once, in its header row, in the order of each row's values
 * (JSONCompactEachRowWithNames: the text is about 40% shorter than JSONEachRow and the engine matches names once,
 * not per row; as with JSONEachRow, a name the table lacks is skipped, input_format_skip_unknown_fields). Every
 * BounceEvent field is listed: a field added to BounceEvent and missing here fails the type check below.
 */
export const EVENT_COLUMNS = [
  'event_id',
  'received_at',
  'bounced_at',
  'reporting_mta',
  'remote_mta',
  'mta_kind',
  'sending_ip',
  'sending_prefix',
  'listed_ip',
  'sender',
  'sender_domain',
  'account',
  'recipient',
  'recipient_domain',
  'action',
  'status',
  'reply_code',
  'diagnostic',
  'reason',
  'category',
  'provider',
  'ms_code',
  'ms_rule',
  'kafka_partition',
  'kafka_offset',
  'adjustments',
] as const satisfies readonly (keyof BounceEvent)[];
type Unlisted = Exclude<keyof BounceEvent, (typeof EVENT_COLUMNS)[number]>;
const everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFieldListed;

type Row = BounceEvent[keyof BounceEvent][];
const SENDING_IP = EVENT_COLUMNS.indexOf('sending_ip');
const LISTED_IP = EVENT_COLUMNS.indexOf('listed_ip');

/** One event as the row of values EVENT_COLUMNS names; IPs as IPv6 column text. */
function toRow(e: BounceEvent): Row {
  const row: Row = EVENT_COLUMNS.map((c) => e[c]);
  row[SENDING_IP] = toIPv6Text(e.sending_ip);
  row[LISTED_IP] = e.listed_ip ? toIPv6Text(e.listed_ip) : null;
  return row;
}

const writeSql = (name: string): string => fs.readFileSync(new URL(`./write/${name}.sql`, import.meta.url), 'utf8');

/** queries/write/stored-event-ids.sql: the event ids of a batch that bounce_events already holds. */
export const STORED_EVENT_IDS_SQL = writeSql('stored-event-ids');

/** Where an event came from: a replay recognises the rows its own interrupted insert left. */
const lineage = (partition: number, offset: number): string => `${partition}:${offset}`;

/** The event ids of the batch bounce_events already holds, each with the lineages it is stored under. */
async function storedEventIds(store: Store, events: BounceEvent[]): Promise<Map<string, Set<string>>> {
  // 'YYYY-MM-DD hh:mm:ss' and ISO text sort alike once the T is a space.
  const times = events.map((e) => e.bounced_at.replace('T', ' ')).sort();
  const rs = await store.client.query({
    query: STORED_EVENT_IDS_SQL,
    query_params: {
      lo: times[0],
      hi: times[times.length - 1],
      providers: [...new Set(events.map((e) => e.provider))],
      categories: [...new Set(events.map((e) => e.category))],
      ids: events.map((e) => e.event_id),
    },
    format: 'JSONEachRow',
  });
  const stored = new Map<string, Set<string>>();
  for (const r of await rs.json<{ event_id: string; kafka_partition: number; kafka_offset: number }>()) {
    const set = stored.get(r.event_id) ?? new Set<string>();
    set.add(lineage(Number(r.kafka_partition), Number(r.kafka_offset)));
    stored.set(r.event_id, set);
  }
  return stored;
}

/**
 * The events of the batch not stored yet, each event id once. A replay keeps the events stored only under their own
 * lineage (its interrupted insert may have reached bounce_events and not every rollup) and drops those stored from
 * another record (the same message produced twice).
 */
async function newEvents(store: Store, events: BounceEvent[], replay: boolean): Promise<BounceEvent[]> {
  const stored = await storedEventIds(store, events);
  const seen = new Set<string>();
  return events.filter((e) => {
    if (seen.has(e.event_id)) return false;
    seen.add(e.event_id);
    const where = stored.get(e.event_id);
    if (!where) return true;
    return replay && [...where].every((l) => l === lineage(e.kafka_partition, e.kafka_offset));
  });
}

/** The partition of an event: the year of bounced_at (migration 0009). */
const partitionOf = (e: BounceEvent): string => e.bounced_at.slice(0, 4);

/** Rows grouped into blocks of at most `max` partitions each, partitions in order (deterministic for a batch). */
export function splitByPartition(events: BounceEvent[], max = MAX_PARTITIONS_PER_INSERT): BounceEvent[][] {
  const byPartition = new Map<string, BounceEvent[]>();
  for (const e of events) {
    const key = partitionOf(e);
    const list = byPartition.get(key);
    if (list) list.push(e);
    else byPartition.set(key, [e]);
  }
  if (byPartition.size <= max) return [events];
  const keys = [...byPartition.keys()].sort();
  const blocks: BounceEvent[][] = [];
  for (let i = 0; i < keys.length; i += max) blocks.push(keys.slice(i, i + max).flatMap((k) => byPartition.get(k)!));
  return blocks;
}

/** A block's dedup token: the batch's token when the block is the whole batch, else the token plus its event ids. */
function blockToken(token: string, block: BounceEvent[], whole: boolean): string {
  if (whole) return token;
  const h = createHash('sha256');
  for (const e of block) h.update(e.event_id).update('\n');
  return `${token}#${h.digest('hex').slice(0, 16)}`;
}

/** One block into bounce_events under its dedup token; into another table (the refill's staging) without dedup. */
async function insertBlock(store: Store, block: BounceEvent[], token: string, table = EVENTS_TABLE): Promise<void> {
  const dedup = table === EVENTS_TABLE;
  await store.client.insert({
    table,
    values: [[...EVENT_COLUMNS], ...block.map(toRow)],
    format: 'JSONCompactEachRowWithNames',
    clickhouse_settings: {
      insert_deduplicate: dedup ? 1 : 0,
      insert_deduplication_token: dedup ? token : '',
      deduplicate_blocks_in_dependent_materialized_views: 1,
      date_time_input_format: 'best_effort',
    },
  });
}

const REFILL_SQL = {
  dropStaging: writeSql('refill-staging-drop'),
  createStaging: writeSql('refill-staging-create'),
  stagedPartitions: writeSql('refill-staging-partitions'),
  attachPartition: writeSql('refill-attach-partition'),
} as const;
const REFILL_STAGING_TABLE = 'bounce_events_refill';

/**
 * After a replay: the events bounce_events still lacks go into it again, and into it alone. A single node's MergeTree
 * writes a part's dedup token to its deduplication log before the part is in place, one part per year: a kill
 * between the two leaves a token whose rows never landed, so the replay under that token is dropped by
 * bounce_events (the fault suite lost the 3 events of one year-part so). The views still ran for the replay, so the
 * rollups and events_by_ip hold those events once already: inserting them into bounce_events again would count them
 * twice there (the fault suite's rollup counted 5,204 for 5,200). So they are inserted into a staging table like
 * bounce_events that no view reads, and its partitions are attached to bounce_events (an ATTACH runs no view).
 * A kill during this leaves the next replay the same check. Done for the embedded store, the one the fault suite
 * kills; on a server cluster the Distributed table inserts asynchronously, so a check right after would see rows as
 * lost that are on their way (and Replicated tables commit the token with the part).
 */
async function refillLost(store: Store, events: BounceEvent[]): Promise<number> {
  const stored = await storedEventIds(store, events);
  const lost = events.filter((e) => !stored.has(e.event_id));
  if (lost.length === 0) return 0;
  await store.client.command({ query: REFILL_SQL.dropStaging });
  await store.client.command({ query: REFILL_SQL.createStaging });
  try {
    for (const block of splitByPartition(lost)) await insertBlock(store, block, '', REFILL_STAGING_TABLE);
    const rs = await store.client.query({ query: REFILL_SQL.stagedPartitions, format: 'JSONEachRow' });
    for (const { partition_id } of await rs.json<{ partition_id: string }>())
      await store.client.command({ query: REFILL_SQL.attachPartition, query_params: { partition_id } });
  } finally {
    await store.client.command({ query: REFILL_SQL.dropStaging });
  }
  return lost.length;
}

/** Per store, the insert that runs now (or ran last): the next one starts after it (insertEvents). */
const insertsInFlight = new WeakMap<Store, Promise<unknown>>();

/**
 * Insert one batch. A retry must send the same events with the same token: the raw table and every rollup
 * drop it (insert dedup window + deduplicate_blocks_in_dependent_materialized_views). A replay older than the
 * window is dropped here: event ids already in bounce_events are filtered out before the insert, so the rollup
 * counters (plain sums) never count an event twice. Two processes replaying the same events at the same moment
 * could still both get in; bounce_events collapses those on event_id (FINAL / v_events), the uniq states too.
 * A batch spanning more than MAX_PARTITIONS_PER_INSERT years goes in as several blocks, each with a token of its
 * own content (a replay that finds part of the batch stored sends other blocks, never under a used token).
 * A replay (options.replay: the same records under the same token as an insert a crash interrupted) keeps the events
 * stored under their own lineage: the insert may have landed in bounce_events but not yet in every rollup (the views
 * are written after the raw part, not atomically with it), so the batch goes again with its token; the raw table and
 * each rollup drop it if they have it (insert dedup window, deduplicate_blocks_in_dependent_materialized_views), or
 * take it. Events stored from other records (a message produced twice) are dropped as in any batch.
 * Errors are StoreWriteError, retriable when the store is unavailable (store-errors.ts), not when it rejected the data.
 */
export async function insertEvents(
  store: Store,
  events: BounceEvent[],
  dedupToken: string,
  options: { replay?: boolean; onRefill?: (events: number) => void } = {},
): Promise<void> {
  // One insert at a time per store: the lookup of stored event ids and the insert after it must not interleave with
  // another batch's (the same message from two partitions would get in twice), and the embedded engine applies an
  // insert's settings (its dedup token) as session SETs. Callers that store partitions concurrently wait here.
  const previous = insertsInFlight.get(store) ?? Promise.resolve();
  const mine = previous.then(() => insertEventsNow(store, events, dedupToken, options));
  insertsInFlight.set(
    store,
    mine.catch(() => undefined),
  );
  return mine;
}

async function insertEventsNow(
  store: Store,
  events: BounceEvent[],
  dedupToken: string,
  options: { replay?: boolean; onRefill?: (events: number) => void },
): Promise<void> {
  if (events.length === 0) return;
  if (!dedupToken)
    throw new StoreWriteError('insertEvents needs a non-empty dedup token (same rows → same token)', false);
  try {
    const fresh = await newEvents(store, events, options.replay ?? false);
    if (fresh.length === 0) return;
    const blocks = splitByPartition(fresh);
    for (const block of blocks)
      await insertBlock(
        store,
        block,
        blockToken(dedupToken, block, fresh.length === events.length && blocks.length === 1),
      );
    if (options.replay && store.kind === 'embedded') {
      const refilled = await refillLost(store, fresh);
      if (refilled > 0) options.onRefill?.(refilled);
    }
  } catch (err) {
    const verdict = classifyStoreError(err);
    const retriable = verdict.kind === 'unavailable';
    throw new StoreWriteError(
      `insert of ${events.length} events into ${EVENTS_TABLE} failed (${verdict.code || 'no ClickHouse code'}, ` +
        `${retriable ? `unavailable: waiting for ${verdict.what}` : 'rejected'}): ${(err as Error).message}`,
      retriable,
      err,
    );
  } finally {
    // chDB applies settings as session SETs that outlive the insert: clear the token so no later insert reuses it.
    if (store.kind === 'embedded') {
      await store.client.command({ query: "SET insert_deduplication_token = ''" }).catch(() => undefined); // the insert's own outcome is what we report
    }
  }
}

/** True for an error the store may get over by itself (unreachable, overloaded); false when it refused the data. */
export function isRetriableStoreError(err: unknown): boolean {
  return classifyStoreError(err).kind === 'unavailable';
}

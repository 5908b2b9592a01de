// The one write path into the store: a batch of BounceEvents → bounce_events (JSONEachRow), deduplicated by token.
import fs from 'node:fs';
import type { Store } from './client.ts';
import type { BounceEvent } from '../transform/bounce-event.ts';
import { StoreWriteError } from '../transform/errors.ts';

export const EVENTS_TABLE = 'bounce_events';

// ClickHouse error codes that mean "this data (or this request) is wrong": retrying the same rows cannot help.
const DATA_ERROR_CODES = new Map<number, string>([
  [6, 'CANNOT_PARSE_TEXT'], [16, 'NO_SUCH_COLUMN_IN_TABLE'], [26, 'CANNOT_PARSE_QUOTED_STRING'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'], [32, 'ATTEMPT_TO_READ_AFTER_EOF'], [33, 'CANNOT_READ_ALL_DATA'],
  [38, 'CANNOT_PARSE_DATE'], [41, 'CANNOT_PARSE_DATETIME'], [43, 'ILLEGAL_TYPE_OF_ARGUMENT'], [47, 'UNKNOWN_IDENTIFIER'],
  [53, 'TYPE_MISMATCH'], [60, 'UNKNOWN_TABLE'], [62, 'SYNTAX_ERROR'], [69, 'ARGUMENT_OUT_OF_BOUND'], [70, 'CANNOT_CONVERT_TYPE'],
  [72, 'CANNOT_PARSE_NUMBER'], [81, 'UNKNOWN_DATABASE'], [117, 'INCORRECT_DATA'], [131, 'TOO_LARGE_STRING_SIZE'],
  [164, 'READONLY'], [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'], [467, 'CANNOT_PARSE_BOOL'], [497, 'ACCESS_DENIED'],
  [516, 'AUTHENTICATION_FAILED'], [675, 'CANNOT_PARSE_IPV4'], [676, 'CANNOT_PARSE_IPV6'],
]);

/**
 * Data errors (parse, type mismatch, unknown column/table, access) are not retriable; everything else is:
 * connection refused/reset, timeouts, too many parts, memory limits and other server-side trouble.
 */
export function isRetriableStoreError(err: unknown): boolean {
  const code = Number((err as { code?: unknown })?.code);
  if (Number.isInteger(code) && DATA_ERROR_CODES.has(code)) return false;
  return true;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** IPv6 column text: IPv4 stored mapped (::ffff:a.b.c.d), unknown ('') as ::. */
export function toIPv6Text(ip: string): string {
  if (ip === '') return '::';
  return IPV4.test(ip) ? `::ffff:${ip}` : ip;
}

function toRow(e: BounceEvent): BounceEvent {
  return {
    ...e,
    sending_ip: toIPv6Text(e.sending_ip),
    listed_ip: e.listed_ip ? toIPv6Text(e.listed_ip) : null,
  };
}

/** queries/write/stored-event-ids.sql: the event ids of a batch that bounce_events already holds. */
export const STORED_EVENT_IDS_SQL = fs.readFileSync(new URL('./write/stored-event-ids.sql', import.meta.url), 'utf8');

async function storedEventIds(store: Store, events: BounceEvent[]): Promise<Set<string>> {
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
  return new Set((await rs.json<{ event_id: string }>()).map((r) => r.event_id));
}

/** The events of the batch not stored yet, each event id once. */
async function newEvents(store: Store, events: BounceEvent[]): Promise<BounceEvent[]> {
  const seen = await storedEventIds(store, events);
  return events.filter((e) => !seen.has(e.event_id) && (seen.add(e.event_id), true));
}

/**
 * Insert one batch. A retry must send the same events with the same token: the raw table and every rollup
 * drop it (insert dedup window + deduplicate_blocks_in_dependent_materialized_views). A replay older than the
 * window is dropped here: event ids already in bounce_events are filtered out before the insert, so the rollup
 * counters (plain sums) never count an event twice. Two processes replaying the same events at the same moment
 * could still both get in; bounce_events collapses those on event_id (FINAL / v_events), the uniq states too.
 */
export async function insertEvents(store: Store, events: BounceEvent[], dedupToken: string): Promise<void> {
  if (events.length === 0) return;
  if (!dedupToken) throw new StoreWriteError('insertEvents needs a non-empty dedup token (same rows → same token)', false);
  try {
    const fresh = await newEvents(store, events);
    if (fresh.length === 0) return;
    await store.client.insert({
      table: EVENTS_TABLE,
      values: fresh.map(toRow),
      format: 'JSONEachRow',
      clickhouse_settings: {
        insert_deduplicate: 1,
        insert_deduplication_token: dedupToken,
        deduplicate_blocks_in_dependent_materialized_views: 1,
        date_time_input_format: 'best_effort',
      },
    });
  } catch (err) {
    const retriable = isRetriableStoreError(err);
    const code = (err as { code?: string }).code;
    const what = code && DATA_ERROR_CODES.has(Number(code)) ? DATA_ERROR_CODES.get(Number(code)) : (code ?? 'no ClickHouse code');
    throw new StoreWriteError(
      `insert of ${events.length} events into ${EVENTS_TABLE} failed (${what}${retriable ? ', retriable' : ', data error'}): ${(err as Error).message}`,
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

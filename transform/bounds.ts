// The documented maximum length of every String column (docs/SCHEMA.md "String bounds"), applied where events are
// assembled. A longer value is cut at a character boundary and ends with CUT_MARKER, so a reader sees it was cut;
// the event records `cut:<column>` in its adjustments, and the run's account counts them.
import type { BounceEvent } from './bounce-event.ts';

/** Ends a value that was cut. Counted inside the limit. */
export const CUT_MARKER = '…[cut]';

type StringColumn = {
  [K in keyof BounceEvent]: BounceEvent[K] extends string ? K : never;
}[keyof BounceEvent];

/** Maximum UTF-8 bytes per String column. Addresses: RFC 5321 (64 local + @ + 255 domain); names: DNS (255). */
export const STRING_LIMITS: Readonly<Record<Exclude<StringColumn, 'received_at' | 'bounced_at'>, number>> =
  Object.freeze({
    event_id: 32,
    reporting_mta: 255,
    remote_mta: 255,
    mta_kind: 32,
    sending_ip: 45,
    sending_prefix: 50,
    sender: 320,
    sender_domain: 255,
    account: 320,
    recipient: 320,
    recipient_domain: 255,
    action: 32,
    status: 32,
    diagnostic: 1024,
    reason: 32,
    category: 32,
    provider: 32,
    ms_code: 32,
    ms_rule: 32,
  });

const MARKER_BYTES = Buffer.byteLength(CUT_MARKER);

/** `s` cut to at most `max` UTF-8 bytes including the marker, without splitting a character; unchanged if it fits. */
export function cutToBytes(s: string, max: number): string {
  if (s.length * 3 <= max || Buffer.byteLength(s) <= max) return s;
  let head = Buffer.from(s)
    .subarray(0, Math.max(0, max - MARKER_BYTES))
    .toString('utf8');
  if (head.endsWith('\uFFFD')) head = head.slice(0, -1);
  return head + CUT_MARKER;
}

/** STRING_LIMITS as rows, made once: the check runs for every event. */
const LIMIT_ROWS = Object.entries(STRING_LIMITS) as [keyof typeof STRING_LIMITS, number][];

/** Applies STRING_LIMITS to one event in place; each cut column is recorded in event.adjustments. */
export function boundStrings(event: BounceEvent): BounceEvent {
  for (const [column, max] of LIMIT_ROWS) {
    const value = event[column];
    if (value.length * 3 <= max) continue; // fits whatever its characters (cutToBytes' own first test)
    const cut = cutToBytes(value, max);
    if (cut !== value) {
      (event as unknown as Record<string, string>)[column] = cut;
      event.adjustments.push(`cut:${column}`);
    }
  }
  if (event.listed_ip !== null && event.listed_ip.length > STRING_LIMITS.sending_ip) {
    event.listed_ip = null; // not an address; an IPv6 column cannot hold a cut one
    event.adjustments.push('cut:listed_ip');
  }
  return event;
}

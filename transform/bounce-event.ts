// The one record the pipeline produces: one BounceEvent per failed or delayed recipient.
// Field names are the ClickHouse column names (see docs/ARCHITECTURE.md and docs/SCHEMA.md).
import type { Category, Provider, Reason } from './vocabulary.ts';
import { normalizeLineEnds } from './mime.ts';
import { parseBounce, type ParseOutcome } from './dsn/index.ts';
import { assembleEvents } from './assemble-events.ts';

export interface BounceEvent {
  /** sha256 hex (first 32 chars) of the raw message bytes (line ends normalised) + recipient index. */
  event_id: string;
  /** ISO 8601 UTC with milliseconds: when the pipeline got the record (Kafka timestamp or file mtime). */
  received_at: string;
  /** 'YYYY-MM-DD hh:mm:ss' UTC: when the receiver refused (Last-Attempt-Date / Arrival-Date / Date). */
  bounced_at: string;
  reporting_mta: string;
  remote_mta: string;
  /** which parser matched: postfix, exim, sendmail, exchange, qmail, rfc3464, scan-text ... */
  mta_kind: string;
  /** our refused outbound IP, IPv4 dotted or IPv6; '' when unknown (stored as ::). */
  sending_ip: string;
  /** its /24 (IPv4) or /64 (IPv6), e.g. 198.51.100.0/24; '' when unknown. */
  sending_prefix: string;
  /** the IP the receiver named in its text, or null. */
  listed_ip: string | null;
  sender: string;
  sender_domain: string;
  account: string;
  recipient: string;
  recipient_domain: string;
  action: string;
  status: string;
  reply_code: number;
  diagnostic: string;
  reason: Reason;
  category: Category;
  provider: Provider;
  /** Microsoft's most specific code: S3150, S775, 5.7.606, AS3130, SC-001 ...; '' otherwise. */
  ms_code: string;
  /** Microsoft's anti-spam rule number (AS1430) when the text prints one that is not ms_code; '' otherwise. */
  ms_rule: string;
  kafka_partition: number;
  kafka_offset: number;
  /** what the pipeline changed in this event: date_in_future (bounced_at clamped to received_at), cut:<column>. */
  adjustments: string[];
}

/** Where a raw record came from; transform/ only copies these into the events. */
export interface RecordOrigin {
  /** when the pipeline got the record (Kafka timestamp or file mtime). */
  receivedAt: Date;
  kafkaPartition?: number;
  kafkaOffset?: number;
}

/** Result of turning one raw record into events: per-record problems are results, not throws. */
export type TransformResult =
  | { kind: 'ok'; events: BounceEvent[]; mtaKind: string }
  | { kind: 'skip'; reason: string; detail: string }
  | { kind: 'dlq'; reason: string; error: string };

export interface TransformOptions {
  /** messages larger than this are not parsed: result dlq/message_too_large. */
  maxMessageBytes: number;
  /** replace recipient local parts by a hash before they leave transform/. */
  hashLocalPart?: boolean;
  /** a bounce dated later than this after we received it is clamped (BOUNCE_CLOCK_SKEW_MINUTES; default 1440). */
  clockSkewMinutes?: number;
}

/**
 * The only entry point ingest/ calls: raw bytes of one message → events, a skip (non-bounce) or a dlq result.
 * Never throws for bad input. Deterministic: the same bytes (any line ending) give the same events.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- a throw becomes a rejection, as from the pool
export async function toBounceEvents(
  raw: Buffer,
  origin: RecordOrigin,
  options: TransformOptions,
): Promise<TransformResult> {
  return toBounceEventsSync(raw, origin, options);
}

/** The same, synchronously (benchmarks and batch callers avoid a promise per record). */
export function toBounceEventsSync(raw: Buffer, origin: RecordOrigin, options: TransformOptions): TransformResult {
  if (raw.length > options.maxMessageBytes) {
    return {
      kind: 'dlq',
      reason: 'message_too_large',
      error: `message is ${raw.length} bytes, over the cap of ${options.maxMessageBytes} (BOUNCE_MAX_MESSAGE_BYTES)`,
    };
  }
  if (isBlank(raw)) {
    return { kind: 'dlq', reason: 'empty_message', error: 'the record has no bytes (or only white space)' };
  }
  const normalized = normalizeLineEnds(raw);
  let outcome: ParseOutcome;
  try {
    outcome = parseBounce(normalized);
  } catch (err) {
    // A parser bug must not stop the pipeline: the record goes to the DLQ with the reason.
    return { kind: 'dlq', reason: 'parse_failed', error: `parser error: ${(err as Error).message}` };
  }
  if (outcome.kind !== 'ok') return outcome;
  return {
    kind: 'ok',
    events: assembleEvents(outcome.fields, normalized, origin, options),
    mtaKind: outcome.fields.mtaKind,
  };
}

/** True when the bytes are all white space (or there are none). */
function isBlank(raw: Buffer): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

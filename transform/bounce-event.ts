// The one record the pipeline produces: one BounceEvent per failed or delayed recipient.
// Field names are the ClickHouse column names (see ../shared/docs/ARCHITECTURE.md and docs/SCHEMA.md).
import type { Category, Provider, Reason } from './vocabulary.ts';

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
  ms_code: string;
  kafka_partition: number;
  kafka_offset: number;
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
}

/**
 * The only entry point ingest/ calls: raw bytes of one message → events, a skip (non-bounce) or a dlq result.
 * Never throws for bad input. Deterministic: the same bytes (any line ending) give the same events.
 */
export async function toBounceEvents(raw: Buffer, origin: RecordOrigin, options: TransformOptions): Promise<TransformResult> {
  void raw; void origin; void options;
  // Placeholder: the parse issue (#2) builds this.
  return { kind: 'dlq', reason: 'not_implemented', error: 'transform is not built yet' };
}

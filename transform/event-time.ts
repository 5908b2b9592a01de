// Timestamps in the BounceEvent formats: received_at ISO with ms, bounced_at 'YYYY-MM-DD hh:mm:ss' UTC.
import type { DsnFields, DsnRecipient } from './dsn-fields.ts';

export function isoWithMs(d: Date): string {
  return d.toISOString();
}

export function clickhouseDateTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Last-Attempt-Date, then Arrival-Date, then the bounce's Date:, then when we got the record. */
export function bouncedAt(rcpt: DsnRecipient, fields: DsnFields, receivedAt: Date): Date {
  return rcpt.lastAttemptDate ?? fields.arrivalDate ?? fields.messageDate ?? receivedAt;
}

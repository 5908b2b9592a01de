// Timestamps in the BounceEvent formats: received_at ISO with ms, bounced_at 'YYYY-MM-DD hh:mm:ss' UTC.
// A bounce cannot have happened after we received it: a claimed time later than receivedAt plus the clock-skew
// allowance is clamped to receivedAt and the event marked `date_in_future` (docs/SCHEMA.md "Dates").
import type { DsnFields, DsnRecipient } from './dsn-fields.ts';

/** BOUNCE_CLOCK_SKEW_MINUTES default: a wrong time zone (up to 14 h) and ordinary clock drift stay as claimed. */
export const DEFAULT_CLOCK_SKEW_MINUTES = 24 * 60;

export const DATE_IN_FUTURE = 'date_in_future';

export function isoWithMs(d: Date): string {
  // one record's events, and a file run's records, share their times: format each time once
  const t = d.getTime();
  if (t !== lastIsoTime) {
    lastIso = d.toISOString(); // an invalid date throws here (NaN never equals the last time)
    lastIsoTime = t;
  }
  return lastIso;
}

let lastIsoTime = NaN;
let lastIso = '';

export function clickhouseDateTime(d: Date): string {
  const t = d.getTime();
  if (t !== lastDateTimeTime) {
    lastDateTime = d.toISOString().slice(0, 19).replace('T', ' ');
    lastDateTimeTime = t;
  }
  return lastDateTime;
}

let lastDateTimeTime = NaN;
let lastDateTime = '';

/** Last-Attempt-Date, then Arrival-Date, then the bounce's Date:, then when we got the record. */
export function bouncedAt(rcpt: DsnRecipient, fields: DsnFields, receivedAt: Date): Date {
  return rcpt.lastAttemptDate ?? fields.arrivalDate ?? fields.messageDate ?? receivedAt;
}

/** The claimed time, or receivedAt (clamped: true) when the claim is later than receivedAt + the allowance. */
export function notInFuture(
  claimed: Date,
  receivedAt: Date,
  skewMinutes = DEFAULT_CLOCK_SKEW_MINUTES,
): { at: Date; clamped: boolean } {
  if (claimed.getTime() > receivedAt.getTime() + skewMinutes * 60_000) return { at: receivedAt, clamped: true };
  return { at: claimed, clamped: false };
}

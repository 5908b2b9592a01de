// One raw message → DsnFields, or why not: the parse half of toBounceEvents.
import type { DsnFields } from '../dsn-fields.ts';
import { parseMail } from '../mime.ts';
import { AUTO_REPLY_HINTS, BOUNCE_HINTS, isPersonWritten, matchesAny } from './hints.ts';
import { sesNoticeOf } from './lhost/amazonses.ts';
import { parseWithLhosts } from './lhost/index.ts';
import { toBounceMessage } from './message.ts';
import { MAX_RECIPIENTS } from '../parse-limits.ts';

export type ParseOutcome =
  | { kind: 'ok'; fields: DsnFields }
  | { kind: 'skip'; reason: 'feedback_report' | 'auto_reply' | 'not_a_bounce' | 'delivery_notice'; detail: string }
  | { kind: 'dlq'; reason: 'mime_unparseable' | 'dsn_not_found'; error: string };

/** Actions that are not failures: a report made only of these is a notice, not a bounce. */
const NOT_FAILED = new Set(['delivered', 'relayed', 'expanded', 'deliverable']);

/** A forwarded bounce: the DSN is a message/rfc822 attachment of a message that has none of its own. */
const ENCLOSED_REPORT = /^content-type:[ \t]*multipart\/report;/im;
const DELIVERY_STATUS_REPORT = /report-type="?delivery-status/i;

/** `normalized` has LF line ends (see normalizeLineEnds). */
export function parseBounce(normalized: Buffer, depth = 0): ParseOutcome {
  const mail = parseMail(normalized);
  if (!mail) {
    return {
      kind: 'dlq',
      reason: 'mime_unparseable',
      error: 'no RFC 5322 header block at the start of the record (binary data or not a mail message)',
    };
  }
  const msg = toBounceMessage(mail);
  if (!msg.deliveryStatus && depth === 0) {
    for (const part of mail.parts) {
      if (!part.enclosed || !ENCLOSED_REPORT.test(part.text) || !DELIVERY_STATUS_REPORT.test(part.text)) continue;
      const inner = parseBounce(part.enclosed(), depth + 1);
      if (inner.kind === 'ok') return inner;
    }
  }
  const sesNotice = sesNoticeOf(msg.text);
  if (msg.feedbackReport || msg.reportType === 'feedback-report' || sesNotice === 'complaint') {
    return { kind: 'skip', reason: 'feedback_report', detail: 'ARF feedback report (complaint), not a bounce' };
  }
  if (sesNotice === 'delivery') {
    return { kind: 'skip', reason: 'delivery_notice', detail: 'Amazon SES delivery notification' };
  }
  if (isPersonWritten(msg)) {
    return {
      kind: 'skip',
      reason: 'not_a_bounce',
      detail: `a person's mail quoting or forwarding a bounce: ${msg.subject.slice(0, 80)}`,
    };
  }
  if (!matchesAny(msg, BOUNCE_HINTS)) {
    return matchesAny(msg, AUTO_REPLY_HINTS)
      ? { kind: 'skip', reason: 'auto_reply', detail: `auto-reply: ${msg.subject.slice(0, 80)}` }
      : { kind: 'skip', reason: 'not_a_bounce', detail: 'no delivery-status part, bounce sender, subject or text' };
  }
  const fields = parseWithLhosts(msg);
  if (!fields) {
    if (matchesAny(msg, AUTO_REPLY_HINTS) && !msg.deliveryStatus) {
      return { kind: 'skip', reason: 'auto_reply', detail: `auto-reply: ${msg.subject.slice(0, 80)}` };
    }
    return {
      kind: 'dlq',
      reason: 'dsn_not_found',
      error: 'looks like a bounce but no failed recipient was found in its delivery-status part or text',
    };
  }
  const failed = fields.recipients.filter((r) => !NOT_FAILED.has(r.action));
  if (failed.length === 0) {
    return { kind: 'skip', reason: 'delivery_notice', detail: `every recipient is ${fields.recipients[0].action}` };
  }
  return { kind: 'ok', fields: { ...fields, recipients: failed.slice(0, MAX_RECIPIENTS) } };
}

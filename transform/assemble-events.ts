// DsnFields → BounceEvent[]: A2's verdict and addresses per recipient, ids, times and caps.
import { domainOf, originalSender, prefixOf, sendingAccount, sendingIpOf } from './addresses.ts';
import type { BounceEvent, RecordOrigin, TransformOptions } from './bounce-event.ts';
import { classify } from './classify.ts';
import type { DsnFields } from './dsn-fields.ts';
import { eventId, hashLocalPart, messageDigest } from './event-id.ts';
import { bouncedAt, clickhouseDateTime, DATE_IN_FUTURE, isoWithMs, notInFuture } from './event-time.ts';
import { boundStrings, STRING_LIMITS } from './bounds.ts';
import { isTemporaryFailure, pseudoStatus } from './pseudo-status.ts';

/** The diagnostic is capped in the event (the receiver's text is rarely longer; HTML junk can be). */
export const MAX_DIAGNOSTIC_BYTES = STRING_LIMITS.diagnostic;

export function assembleEvents(
  fields: DsnFields,
  normalized: Buffer,
  origin: RecordOrigin,
  options: TransformOptions,
): BounceEvent[] {
  const digest = messageDigest(normalized);
  const sender = originalSender(fields);
  const senderDomain = domainOf(sender);
  const account = sendingAccount(fields);
  const receivedAt = isoWithMs(origin.receivedAt);
  const verdicts = fields.recipients.map((rcpt) => classify(rcpt, fields));
  return fields.recipients.map((rcpt, index) => {
    const verdict = verdicts[index];
    const sendingIp = sendingIpOf(rcpt, fields, verdict, verdicts);
    const recipient = options.hashLocalPart ? hashLocalPart(rcpt.recipient) : rcpt.recipient;
    const when = notInFuture(bouncedAt(rcpt, fields, origin.receivedAt), origin.receivedAt, options.clockSkewMinutes);
    return boundStrings({
      event_id: eventId(digest, index),
      received_at: receivedAt,
      bounced_at: clickhouseDateTime(when.at),
      reporting_mta: fields.reportingMta,
      remote_mta: rcpt.remoteMta,
      mta_kind: fields.mtaKind,
      sending_ip: sendingIp,
      sending_prefix: sendingIp ? prefixOf(sendingIp) : '',
      listed_ip: verdict.listedIp,
      sender,
      sender_domain: senderDomain,
      account,
      recipient,
      recipient_domain: domainOf(rcpt.recipient),
      action: rcpt.action,
      // the code the MTA or receiver wrote; without one, Sisimai's pseudo code for the reason
      status:
        rcpt.status || pseudoStatus(verdict.reason, isTemporaryFailure(rcpt.replyCode, rcpt.action, rcpt.diagnostic)),
      reply_code: rcpt.replyCode,
      diagnostic: rcpt.diagnostic,
      reason: verdict.reason,
      category: verdict.category,
      provider: verdict.provider,
      ms_code: verdict.msCode,
      ms_rule: verdict.msRule,
      kafka_partition: origin.kafkaPartition ?? 0,
      kafka_offset: origin.kafkaOffset ?? 0,
      adjustments: when.clamped ? [DATE_IN_FUTURE] : [],
    });
  });
}

// What makes a message look like a bounce, an auto-reply or a feedback report. Tables, checked in order.
import type { BounceMessage } from './message.ts';

type Probe = (msg: BounceMessage) => string;
const h =
  (name: string): Probe =>
  (msg) =>
    (msg.headers.get(name) ?? []).join('\n');

/** Any row matching makes a message bounce-looking: parse it, and dead-letter it when no recipient is found. */
/** A mail system's sender address or name. */
const SYSTEM_FROM =
  /mailer[-_ ]?daemon|post_?master|mail delivery (?:system|subsystem)|mail ?administrator|^"?mmdf|\bbounces?@/;

export const BOUNCE_HINTS: ReadonlyArray<readonly [Probe, RegExp]> = [
  [(m) => m.deliveryStatus, /\S/],
  [(m) => m.reportType, /^delivery-status$/],
  [h('x-failed-recipients'), /@/],
  [(m) => m.from, SYSTEM_FROM],
  [
    (m) => m.subject,
    /undeliver|undelivered|non-?deliver|delivery (?:status notification|failure|failed|report|notification|problem|has failed)|returned mail|failure notice|mail delivery failed|could not send|returned to sender|mail system error|notice: mail delivery status|message not delivered|delivery delayed|delayed mail|delivery status|mail could not be delivered|fehlgeschlagen|unzustellbar|non remis|no entregado|配信|エラー/i,
  ],
  [
    (m) => m.text,
    /could not be delivered|was not delivered|wasn't delivered|couldn't be delivered|undeliverable|delivery (?:to the following recipients? )?(?:has )?failed|permanent (?:fatal )?error|remote (?:host|server) said|SMTP error from remote|Diagnostic-Code:|Final-Recipient:|unable to deliver|\\?"notificationType\\?"\s*:\s*\\?"Bounce/i,
  ],
];

/** Rows that mark an auto-reply (vacation, out-of-office, autoresponder), checked only when no bounce hint matched. */
export const AUTO_REPLY_HINTS: ReadonlyArray<readonly [Probe, RegExp]> = [
  [h('auto-submitted'), /auto-replied/i],
  [h('x-autoreply'), /\S/],
  [h('x-autorespond'), /\S/],
  [h('x-autoresponse'), /\S/],
  [h('precedence'), /auto[_-]reply/i],
  [
    (m) => m.subject,
    /^(?:auto(?:matic)?[ -]?(?:reply|response|respons|antwort)|autoreply|autorespons|out of (?:the )?office|away until|abwesenheit|vacation|absence|on holiday|r[ée]ponse automatique|自動応答)/i,
  ],
];

/** What a report of its own looks like: a mail system writes these, a person forwarding a bounce does not. */
const OWN_REPORT: ReadonlyArray<readonly [Probe, RegExp]> = [
  [(m) => m.deliveryStatus, /\S/],
  [(m) => m.reportType, /^delivery-status$/],
  [h('x-failed-recipients'), /@/],
  [(m) => m.from, SYSTEM_FROM],
];

/**
 * A person's mail about a bounce: forwarded ("Fwd:", "---------- Forwarded message"), quoted in a reply
 * ("Re:", "> ", "On ... wrote:"), pasted into a helpdesk ticket ("[Ticket#...]"). Checked only when the message
 * has no report of its own (OWN_REPORT): such mail names a refusal but is no bounce, and counts as not_a_bounce.
 */
const PERSON_WRITTEN: ReadonlyArray<readonly [Probe, RegExp]> = [
  [
    (m) => m.subject,
    /^\s*(?:(?:fwd?|wg|aw|re|tr|rv|sv|vs|antw)\s*:|\[?(?:ticket|case|incident|request)\s*[#:]?\s*\d|\[#\d)/i,
  ],
  [
    (m) => m.text,
    /^[ \t]*(?:-{2,}[ \t]*(?:forwarded message|original message|urspr(?:ü|ue)ngliche nachricht|weitergeleitete nachricht)|begin forwarded message:)|^[ \t]*>(?!>)[ \t]?\S|^[ \t]*(?:on [^\n]{1,160} wrote|am [^\n]{1,160} schrieb[^\n]{0,80}):[ \t]*$/im,
  ],
];

/** A bounce forwarded, quoted or pasted by a person, with no report of the message's own. */
export function isPersonWritten(msg: BounceMessage): boolean {
  return !matchesAny(msg, OWN_REPORT) && matchesAny(msg, PERSON_WRITTEN);
}

export function matchesAny(msg: BounceMessage, table: ReadonlyArray<readonly [Probe, RegExp]>): boolean {
  return table.some(([probe, re]) => re.test(probe(msg)));
}

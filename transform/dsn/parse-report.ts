// The engine every lhost module runs: delivery-status groups first, free text second, then X-Failed-Recipients,
// then the single To: of the returned original.
import type { DsnFields, DsnRecipient } from '../dsn-fields.ts';
import { header, parseHeaderBlock } from '../mime.ts';
import { actionFrom, bestStatus, commandIn, remoteMtaIn, replyCodeIn, reportingMtaIn } from './codes.ts';
import { parseDate } from './dates.ts';
import type { BounceMessage } from './message.ts';
import { GENERIC_RECIPIENT_LINES } from './recipient-lines.ts';
import { parseDeliveryStatus } from './rfc3464.ts';
import { ADDR, recipientFromReport, scanText, type TextRules } from './text-report.ts';
import { transcriptCommands } from './transcript.ts';

export interface ReportRules {
  /** extra recipient-line patterns tried before the generic ones */
  recipientLines?: readonly RegExp[];
  start?: readonly RegExp[];
  /** skip the delivery-status part even when present (it is known to be empty or wrong for this family) */
  ignoreDeliveryStatus?: boolean;
}

/** Addresses in a header; a match starts only where a run of address characters starts (the look-behind), so a long
 *  run with no `@` is tried once, not once per character (quadratic on an 8 KiB header of junk). */
const FAILED_RECIPIENTS = new RegExp(String.raw`(?<![^\s<>()\[\]",;:@])` + ADDR, 'g');

export function parseReport(msg: BounceMessage, mtaKind: string, rules: ReportRules = {}): DsnFields | null {
  const textRules: TextRules = {
    recipientLines: rules.recipientLines
      ? [...rules.recipientLines, ...GENERIC_RECIPIENT_LINES]
      : GENERIC_RECIPIENT_LINES,
    start: rules.start,
  };
  const dsText = rules.ignoreDeliveryStatus ? '' : msg.deliveryStatus || inlineDeliveryStatus(msg.text);
  const ds = dsText ? parseDeliveryStatus(dsText) : null;
  let recipients: DsnRecipient[] = ds?.recipients ?? [];
  if (recipients.length === 0) {
    recipients = scanText(msg.text, textRules, msg.subject);
    // A greeting names the notice's own addressee ("kijitora@example.jp 様"): when that is all the prose gave and
    // the MTA's X-Failed-Recipients header names someone else, the header is right
    const failed = failedRecipientsHeader(msg);
    const addressee = (header(msg.headers, 'to') ?? '').toLowerCase();
    if (failed.length > 0 && recipients.every((r) => !failed.includes(r.recipient) && addressee.includes(r.recipient)))
      recipients = [];
  } else if (recipients.some((r) => !r.diagnostic || !r.status || !r.command)) {
    const fromText = scanText(msg.text, textRules, msg.subject);
    const cut = mayBeCutShort(msg, dsText);
    enrich(recipients, fromText, cut ? dsText : '');
    // cut mid-line inside the delivery-status part: the groups after the cut are gone, the text still names them
    if (!dsText.endsWith('\n'))
      recipients.push(
        ...fromText.filter((t) => !recipients.some((r) => r.recipient.toLowerCase() === t.recipient.toLowerCase())),
      );
  }
  if (recipients.length === 0) recipients = fromFailedRecipientsHeader(msg, rules.start);
  if (recipients.length === 0) recipients = fromOriginalTo(msg, rules.start);
  if (recipients.length === 0) return null;
  if (recipients.some((r) => !r.command)) commandsFromTranscript(recipients, msg.text);
  for (const r of recipients) {
    if (!r.action) r.action = actionFrom(r.status, r.replyCode, false);
    if (!r.remoteMta) r.remoteMta = remoteMtaIn(r.diagnostic);
  }
  return {
    mtaKind,
    reportingMta: ds?.reportingMta || reportingMtaIn(msg.text, msg.from),
    arrivalDate: ds?.arrivalDate,
    messageDate: parseDate(header(msg.headers, 'date')),
    recipients,
    original: { headers: msg.originalHeaders },
    extra: ds?.extra ?? {},
  };
}

/** Fills what the delivery-status groups left empty from the free text about the same address. */
function enrich(recipients: DsnRecipient[], fromText: DsnRecipient[], dsText = ''): void {
  if (fromText.length === 0) return;
  const byAddr = new Map(fromText.map((r) => [r.recipient.toLowerCase(), r]));
  const last = recipients[recipients.length - 1];
  for (const r of recipients) {
    const t =
      byAddr.get(r.recipient.toLowerCase()) ??
      (recipients.length === 1 && fromText.length === 1 ? fromText[0] : undefined);
    if (!t) continue;
    if (r === last && cutShort(r.diagnostic, t.diagnostic, dsText)) {
      r.diagnostic = t.diagnostic;
      r.replyCode = t.replyCode || r.replyCode;
    }
    if (!r.diagnostic) {
      r.diagnostic = t.diagnostic;
      r.replyCode = r.replyCode || t.replyCode;
      r.command = r.command || t.command;
    }
    r.status = bestStatus(r.status, r.diagnostic) || t.status;
    if (!r.replyCode) r.replyCode = replyCodeIn(r.diagnostic, r.status);
    if (!r.remoteMta) r.remoteMta = t.remoteMta;
    if (!r.command) r.command = commandIn(r.diagnostic) || t.command;
  }
}

const NO_SPACE = /\s+/g;
/** What Postfix appends to the reply in its text: not more of the receiver's words. */
const IN_REPLY_TO = /\(inreplyto[^()]*\)\.?$/i;

/**
 * A bounce truncated inside its delivery-status part (no closing boundary) ends in the middle of the last
 * Diagnostic-Code: when that diagnostic is where the part's text ends, and the report's own words about the same
 * address hold all of it and then more of the receiver's reply, the text has the whole reply.
 */
function cutShort(dsDiagnostic: string, textDiagnostic: string, dsText: string): boolean {
  if (!dsText || !dsDiagnostic || textDiagnostic.length <= dsDiagnostic.length) return false;
  const tail = dsDiagnostic.replace(NO_SPACE, '').slice(-24);
  if (!dsText.replace(NO_SPACE, '').endsWith(tail)) return false;
  const ds = dsDiagnostic.replace(NO_SPACE, '');
  const text = textDiagnostic.replace(NO_SPACE, '');
  const at = text.indexOf(ds);
  return at !== -1 && text.slice(at + ds.length).replace(IN_REPLY_TO, '').length > 0;
}

/** The message ends in its delivery-status part: mid-line, or with no part (returned original) after it. */
function mayBeCutShort(msg: BounceMessage, dsText: string): boolean {
  if (!dsText.endsWith('\n')) return true;
  const lastPart = msg.parts[msg.parts.length - 1];
  return lastPart !== undefined && lastPart.contentType.endsWith('delivery-status') && msg.deliveryStatus === dsText;
}

/** The command a ">>> X" / "<<< 5xx" session transcript in the text shows, for recipients that have none yet. */
function commandsFromTranscript(recipients: DsnRecipient[], text: string): void {
  const t = transcriptCommands(text, new Set(recipients.map((r) => r.recipient.toLowerCase())));
  let lower: string | undefined;
  for (const r of recipients) {
    if (r.command) continue;
    r.command =
      t.byRecipient.get(r.recipient.toLowerCase()) ||
      commandIn(paragraphAbout(text, (lower ??= text.toLowerCase()), r.recipient)) ||
      t.general;
  }
}

/**
 * The text paragraph that starts with the address ("<a@example.com>: host mx said: 550 ... (in reply to MAIL FROM
 * command)"), read whole: the line scanner may have cut it at another address quoted inside the reply.
 */
function paragraphAbout(text: string, lower: string, addr: string): string {
  let at = lower.indexOf(`<${addr.toLowerCase()}>`);
  if (at < 0) at = lower.indexOf(addr.toLowerCase());
  if (at < 0) return '';
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n\n', at);
  return text.slice(start, end < 0 ? Math.min(text.length, at + 2000) : Math.min(end, at + 2000));
}

/** A delivery-status block printed inside the text part (no MIME part of its own), from its first field on. */
const INLINE_DS = /^(?:Reporting-MTA|Final-Recipient)\s*:/im;

function inlineDeliveryStatus(text: string): string {
  const m = INLINE_DS.exec(text);
  return m && /^Final-Recipient\s*:/im.test(text) ? text.slice(m.index) : '';
}

function failedRecipientsHeader(msg: BounceMessage): string[] {
  const value = header(msg.headers, 'x-failed-recipients');
  return value ? [...new Set([...value.matchAll(FAILED_RECIPIENTS)].map((m) => m[0].toLowerCase()))] : [];
}

function fromFailedRecipientsHeader(msg: BounceMessage, start?: readonly RegExp[]): DsnRecipient[] {
  const addrs = failedRecipientsHeader(msg);
  if (addrs.length === 0) return [];
  // the text did not name them line by line: its error paragraph is the best diagnostic there is
  return addrs.map((recipient) => recipientFromReport(recipient, msg.text, msg.subject, start));
}

/** Last resort: the returned original was sent to exactly one address (V5 Sendmail, IMail, X5 and similar). */
function fromOriginalTo(msg: BounceMessage, start?: readonly RegExp[]): DsnRecipient[] {
  if (!msg.originalHeaders) return [];
  const to = parseHeaderBlock(msg.originalHeaders).get('to')?.join(',') ?? '';
  const addrs = [...new Set([...to.matchAll(FAILED_RECIPIENTS)].map((m) => m[0].toLowerCase()))];
  if (addrs.length !== 1) return [];
  return [recipientFromReport(addrs[0], msg.text, msg.subject, start)];
}

// Free-form report text → DsnRecipient[], driven by a table of recipient-line patterns.
// Linear: each line is tried against the patterns once; diagnostics are the lines that follow a recipient.
import type { DsnRecipient } from '../dsn-fields.ts';
import { MAX_RECIPIENTS } from '../parse-limits.ts';
import { anyOf } from '../pattern-table.ts';
import { bestStatus, cleanDiagnostic, commandIn, hasCode, remoteMtaIn, replyCodeIn, unfold } from './codes.ts';

/** An address as bounces print it (no spaces, a dotted domain or a domain literal). */
export const ADDR = String.raw`[^\s<>()\[\]",;:@]+@(?:[A-Za-z0-9_][A-Za-z0-9_-]*\.)+[A-Za-z0-9-]{2,}`;

export interface TextRules {
  /** patterns with named group `addr` (and optional `diag`): a line matching one starts a recipient entry */
  recipientLines: readonly RegExp[];
  /** when given, recipients are looked for only after the first line matching one of these */
  start?: readonly RegExp[];
}

/** Lines saying the MTA keeps trying: the report is a delay warning, not a failure. */
const DELAYED =
  anyOf([
    /will (?:keep|continue) (?:on )?trying|will be retried|will retry|is still being retried|has not yet been delivered/i,
    /delivery (?:has been )?delayed|could not be delivered .* will try again|^\s*warning: could not send message for past/i,
    /not been able to deliver .*(?:still trying|retry)/i,
  ]) ?? /(?:)/;
/** The subject or the text says the MTA keeps trying. */
const isDelayNotice = (subject: string, text: string) => DELAYED.test(subject) || DELAYED.test(text);

/** Lines that carry the receiver's answer when the recipient's own lines do not. */
const ERROR_LINE = /(?:^[\s<#(]*[245]\d\d[\s-]|said:|\b[245]\.\d{1,3}\.\d{1,3}\b|returned was:|error was:|reason:)/i;

const MAX_DIAG_LINES = 12;
/** Lines of only rule characters separate sections like blank lines do. */
const SEPARATOR = /^\s*[-=_*#~]{5,}\s*$/;
/** RFC 3464 field lines printed inside the text part (some MTAs inline the report). */
const DS_FIELD =
  /^(?:Reporting-MTA|Final-Recipient|Original-Recipient|Action|Status|Remote-MTA|Diagnostic-Code|Arrival-Date|Last-Attempt-Date|X-Postfix-[\w-]+)\s*:/i;
/** Paragraphs that only say "this is a bounce"; never a diagnostic. */
const BOILERPLATE =
  /^\s*(?:this (?:message was created automatically|is the mail system|is an automatically generated|is the qmail-send program|is a delivery status notification)|hi[.!]|a message that you sent could not be delivered|i'm sorry to have to inform you|for further assistance, please send mail to postmaster|if you do so, please include this problem report|the mail system\s*$)/i;

interface Entry {
  addr: string;
  lines: string[];
}

export function scanText(text: string, rules: TextRules, subject = ''): DsnRecipient[] {
  const lines = text.split('\n');
  let i = 0;
  if (rules.start && rules.start.length > 0) {
    const at = lines.findIndex((l) => rules.start!.some((re) => re.test(l)));
    if (at !== -1) i = at + 1;
  }
  const entries: Entry[] = [];
  const byAddr = new Map<string, Entry>();
  let current: Entry | null = null;
  let blanks = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    const hit = matchRecipient(line, rules.recipientLines);
    if (hit) {
      const key = hit.addr.toLowerCase();
      const seen = byAddr.get(key);
      if (seen && seen === current) {
        if (current.lines.length < MAX_DIAG_LINES) current.lines.push(line);
      } else {
        if (!seen && entries.length >= MAX_RECIPIENTS) break; // the addresses past the cap are not read
        current = seen ?? { addr: key, lines: [] };
        if (!seen) {
          byAddr.set(key, current);
          entries.push(current);
        }
        if (hit.diag && current.lines.length < MAX_DIAG_LINES) current.lines.push(hit.diag);
      }
      blanks = 0;
      continue;
    }
    if (!current) continue;
    if (DS_FIELD.test(line)) {
      current = null; // an inline delivery-status block starts: it is not this address's text
      continue;
    }
    if (line.trim() === '' || SEPARATOR.test(line)) {
      if (!SEPARATOR.test(line)) blanks++;
      // blank lines may separate an address from its error text (Gmail, Exchange), or an intro that ends
      // in ':' ("because:", "Technical details:") from what it introduces
      const said = current.lines.join(' ').trim();
      if ((said !== '' && !said.endsWith(':')) || blanks > 2) current = null;
      continue;
    }
    blanks = 0;
    if (current.lines.length < MAX_DIAG_LINES) current.lines.push(line);
  }
  if (entries.length === 0) return [];
  const delayed = isDelayNotice(subject, text);
  // the report's error paragraph is needed only by an address without a code of its own: find it once, lazily
  let fallback: string | undefined;
  const fallbackOf = () => (fallback ??= errorParagraph(lines));
  let remote: string | undefined;
  const remoteOf = () => (remote ??= remoteMtaIn(text));
  return entries.map((e) => toRecipient(e, fallbackOf, delayed, remoteOf));
}

/** Header lines of a quoted original (ids and senders, not recipients). */
const HEADER_LIKE =
  /^\s*(?:>>>\s*)?(?:mail from|ehlo|helo)\b|^\s*(?:message-id|in-reply-to|references|from|sender|reply-to|return-path|received|date|subject|cc|bcc|envelope-from|dkim-signature|list-[\w-]+|x-[\w-]+|resent-[\w-]+|errors-to|content-id)\s*:/i;

/** Recipient lines are short; longer ones (HTML blobs, base64) are never tried, which keeps the scan linear. */
const MAX_RECIPIENT_LINE = 1000;

function matchRecipient(line: string, patterns: readonly RegExp[]): { addr: string; diag: string } | null {
  if (line.length > MAX_RECIPIENT_LINE || !line.includes('@') || HEADER_LIKE.test(line)) return null;
  // quoted forwards ("> ") and Sendmail/Active!Hunter ">>> " prefixes
  const bare = line.charCodeAt(0) === 62 || line.trimStart().startsWith('>') ? line.replace(/^\s*(?:>+ ?)+/, '') : line;
  for (const re of patterns) {
    const m = re.exec(bare);
    // an "address" over RFC 5321's 64 + 1 + 255 characters is junk (a run glued to a real one), not a recipient
    if (m?.groups?.addr && m.groups.addr.length <= 320) {
      const diag = [m.groups.code, m.groups.diag ?? m.groups.diag2].filter(Boolean).join(' ').trim();
      return { addr: m.groups.addr.replace(/^['"]|['".]+$/g, ''), diag };
    }
  }
  return null;
}

/** A line without transcript arrows and quote marks; a line with neither '<' nor '>' has none (no regex run). */
function withoutArrows(line: string): string {
  if (!line.includes('>') && !line.includes('<')) return line;
  return line.replace(/^\s*(?:>>>|<<<)\s*/, '').replace(/^\s*(?:> ?)+/, '');
}

/** A recipient known from elsewhere (a header), with the report's error paragraph as its diagnostic. */
export function recipientFromReport(addr: string, text: string, subject = '', start?: readonly RegExp[]): DsnRecipient {
  const delayed = isDelayNotice(subject, text);
  let lines = text.split('\n');
  // with a family's start marker ("The following address(es) failed:"), the words after it are about the address
  const at = start ? lines.findIndex((l) => start.some((re) => re.test(l))) : -1;
  if (at !== -1) lines = lines.slice(at + 1);
  const fallback = errorParagraph(lines) || firstParagraph(lines);
  return toRecipient(
    { addr: addr.toLowerCase(), lines: [] },
    () => fallback,
    delayed,
    () => remoteMtaIn(text),
  );
}

/** The first paragraph in the report that looks like an SMTP error (used when an address has no text of its own). */
function errorParagraph(lines: string[]): string {
  // an inline delivery-status block ("Status: 5.0.0", "Diagnostic-Code: smtp; 550 ...") speaks for its own
  // recipients, which the delivery-status parser reads; it is no other address's error text
  const at = lines.findIndex((l) => ERROR_LINE.test(l) && !DS_FIELD.test(l));
  if (at === -1) return '';
  // the whole paragraph around it: Exim puts "SMTP error ... after RCPT TO:" on the line before the code
  let start = at;
  while (start > 0 && at - start < 3 && lines[start - 1].trim() !== '' && !DS_FIELD.test(lines[start - 1])) start--;
  const out: string[] = [];
  for (let i = start; i < lines.length && out.length < MAX_DIAG_LINES && lines[i].trim() !== ''; i++)
    out.push(lines[i]);
  return unfold(out.join(' '));
}

/** `remoteOf` gives the remote MTA the whole text names (looked up once per report, not once per address). */
function toRecipient(e: Entry, fallbackOf: () => string, delayed: boolean, remoteOf: () => string): DsnRecipient {
  const raw = e.lines.join('\n');
  // SMTP transcript arrows (">>> RCPT", "<<< 550") and "> " quoting of a forwarded bounce are not the receiver's words
  const words = e.lines.map(withoutArrows).join(' ');
  let diagnostic = cleanDiagnostic(unfold(words));
  // no code of its own: the report's error paragraph goes first, the address's own words after it
  if (!hasCode(diagnostic)) {
    const fallback = fallbackOf();
    if (fallback && !diagnostic.includes(fallback)) diagnostic = cleanDiagnostic(unfold(`${fallback} ${diagnostic}`));
  }
  const status = bestStatus('', diagnostic);
  const replyCode = replyCodeIn(diagnostic, status);
  const cls = status[0] ?? String(replyCode)[0];
  return {
    recipient: e.addr,
    // a delay notice is a delay unless the receiver's code says the failure is permanent
    action: delayed && cls !== '5' ? 'delayed' : 'failed',
    // no code in the text: left empty (the event gets a pseudo code for its reason, see pseudo-status.ts)
    status,
    replyCode,
    diagnostic,
    remoteMta: remoteMtaIn(diagnostic) || remoteOf(),
    command: commandIn(raw) || commandIn(diagnostic),
  };
}

/** The first non-empty paragraph (the report's own words) when no line looks like an SMTP error. */
function firstParagraph(lines: string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line.trim() === '' || SEPARATOR.test(line)) {
      if (out.length > 0 && !out[out.length - 1].trim().endsWith(':')) {
        if (!BOILERPLATE.test(out[0])) break;
        out.length = 0; // "This message was created automatically ...": skip to the next paragraph
      }
      continue;
    }
    if (out.length < MAX_DIAG_LINES) out.push(line);
  }
  return out.length > 0 && !BOILERPLATE.test(out[0]) ? unfold(out.join(' ')) : '';
}

// The generic path: a message/delivery-status body (RFC 3464) → per-message fields and one DsnRecipient per group.
import type { DsnRecipient } from '../dsn-fields.ts';
import { bestStatus, commandIn, replyCodeIn, stripDiagnosticType, unfold } from './codes.ts';
import { parseDate } from './dates.ts';
import { POWERMTA_RECIPIENT_FIELDS, powermtaReasonHint } from './lhost/powermta-categories.ts';
import { MAX_RECIPIENTS } from '../parse-limits.ts';

export interface DeliveryStatus {
  reportingMta: string;
  arrivalDate?: Date;
  /** other per-message fields by lower-case name (x-postfix-sender, received-from-mta ...) */
  extra: Record<string, string>;
  recipients: DsnRecipient[];
}

const PER_RECIPIENT = new Set([
  'original-recipient',
  'final-recipient',
  'action',
  'status',
  'remote-mta',
  'diagnostic-code',
  'last-attempt-date',
  'final-log-id',
  'will-retry-until',
  'x-actual-recipient',
  'x-supplementary-info',
  ...POWERMTA_RECIPIENT_FIELDS,
]);

interface Group {
  fields: Map<string, string>;
}

/** Parses the fields; tolerant of missing blank lines between groups, folded lines and junk lines. */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  const message = new Map<string, string>();
  const groups: Group[] = [];
  let current: Group | null = null;
  for (const [name, value] of fieldsOf(text)) {
    if (name === '') {
      current = null; // a blank line ends a recipient group
      continue;
    }
    if (!PER_RECIPIENT.has(name)) {
      if (!message.has(name)) message.set(name, value);
      continue;
    }
    // Fields come in any order inside a group (Facebook and SES put Action or Status first); groups are split by
    // blank lines, or, when a report has none, by a recipient field that repeats.
    const f = current?.fields;
    const next = !f || ((name === 'final-recipient' || name === 'original-recipient') && f.has(name));
    if (next || !current) {
      if (groups.length >= MAX_RECIPIENTS) break; // the groups past the cap are not read
      current = { fields: new Map() };
      groups.push(current);
    }
    if (!current.fields.has(name)) current.fields.set(name, value);
  }
  const recipients: DsnRecipient[] = [];
  const seen = new Map<string, DsnRecipient>();
  for (const g of groups) {
    const r = toRecipient(g.fields);
    if (!r) continue;
    const key = r.recipient.toLowerCase();
    const first = seen.get(key);
    if (first) {
      // the same recipient twice (a split group): fill what the first one lacked
      for (const k of ['action', 'status', 'diagnostic', 'remoteMta', 'command'] as const)
        if (!first[k]) first[k] = r[k];
      if (!first.replyCode) first.replyCode = r.replyCode;
      first.lastAttemptDate ??= r.lastAttemptDate;
      continue;
    }
    seen.set(key, r);
    recipients.push(r);
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of message) if (k !== 'reporting-mta' && k !== 'arrival-date') extra[k] = v;
  return {
    reportingMta: hostOf(message.get('reporting-mta') ?? ''),
    arrivalDate: parseDate(message.get('arrival-date')),
    extra,
    recipients,
  };
}

/** The fields in order, folded lines joined; ['', ''] stands for a blank line (the end of a group). */
function fieldsOf(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let name = '';
  let value = '';
  for (let pos = 0; pos <= text.length;) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const line = text.slice(pos, end);
    pos = end + 1;
    if ((line.startsWith(' ') || line.startsWith('\t')) && name) {
      value += ' ' + line.trim();
      continue;
    }
    if (name) out.push([name, value.trim()]);
    name = '';
    if (line.trim() === '') {
      out.push(['', '']);
      continue;
    }
    const m = FIELD.exec(line);
    if (m) {
      name = m[1].toLowerCase();
      value = m[2];
    }
  }
  if (name) out.push([name, value.trim()]);
  return out;
}

const FIELD = /^([A-Za-z][\w-]*)\s*:(.*)$/;

function toRecipient(f: Map<string, string>): DsnRecipient | null {
  // Final-Recipient first; a source route or a host without a dot loses to a usable Original-Recipient
  const candidates = ['final-recipient', 'x-actual-recipient', 'original-recipient']
    .map((k) => addressOf(f.get(k) ?? ''))
    .filter(Boolean);
  const recipient = candidates.find((a) => /@(?:[^.@\s]+\.)+[^.@\s]+$|@\[/.test(a)) ?? candidates[0];
  if (!recipient) return null;
  const diagnostic = unfold(stripDiagnosticType(f.get('diagnostic-code') ?? ''));
  const status = bestStatus(f.get('status') ?? '', diagnostic);
  // X-Unix: the error came from a local delivery program (pipe, procmail), not a receiver; a weak hint, used
  // when no text or code decides (as Sisimai's fallback)
  const unix = /^\s*x-unix\s*;/i.test(f.get('diagnostic-code') ?? '') ? 'mailererror' : undefined;
  const reasonHint = powermtaReasonHint(f) ?? unix;
  return {
    recipient,
    action: actionOf(f.get('action') ?? ''),
    status,
    replyCode: replyCodeIn(diagnostic, status),
    diagnostic,
    remoteMta: hostOf(f.get('remote-mta') ?? ''),
    command: commandIn(diagnostic),
    lastAttemptDate: parseDate(f.get('last-attempt-date')),
    ...(reasonHint ? { reasonHint, reasonHintWeak: true } : {}),
  };
}

/** RFC 3464 action words (and SendGrid's "expired"); anything else is left for the status code to decide. */
const ACTIONS = new Set(['failed', 'delayed', 'delivered', 'relayed', 'expanded', 'deliverable', 'expired']);

/** The characters `.` does not match: a comment is cut only from the last line, as `/\s*\(.*$/` did. */
const LINE_BREAKS = ['\n', '\r', '\u2028', '\u2029'];

function actionOf(value: string): string {
  const text = value.trim().toLowerCase();
  // "failed (permanent)": the comment and the blanks before it go. A loop, not /\s*\(.*$/: that regex retried every
  // blank of a run and every "(" of a line that is not the last (a folded Action of 10,000 blank lines took 70 ms).
  const lastLine = Math.max(...LINE_BREAKS.map((b) => text.lastIndexOf(b))) + 1;
  const paren = text.indexOf('(', lastLine);
  const action = paren === -1 ? text : text.slice(0, paren).trimEnd();
  return ACTIONS.has(action) ? action : '';
}

const MAX_ADDRESS_CHARS = 64 + 1 + 255;

// A match starts only where a run of address characters starts (the look-behind): a value of thousands of such
// characters with no "@" is then tried once, not once per character (quadratic: 64 KB of them took 330 ms).
const ADDRESS_IN_ANGLES = /<?(?<![^\s<>"';,()])([^\s<>"';,()]+@[^\s<>"';,()]+?)>?(?:[\s;,)]|$)/;
const ADDRESS_BARE = /(?<![^\s<>"';,()])([^\s<>"';,()]+@[^\s<>"';,()]+)/;

/** `s` without leading characters from `lead` and trailing ones from `trail`; a loop, where `/[.]+$/` is quadratic
 *  on a long run of dots that does not end the value. */
function trimEnds(s: string, lead: string, trail: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && lead.includes(s[start])) start++;
  while (end > start && trail.includes(s[end - 1])) end--;
  return s.slice(start, end);
}

/**
 * An RFC 821 source route before the address ("<@relay.example,@hop.example:"). The groups are taken whole and never
 * split again (an atomic group: the lookahead's match, then the backreference): `(?:@[^:,\s]+,?)+:` itself tried
 * every way of cutting a run of "@@@@" into groups, 2^n of them, when no colon followed (a 40-character run took
 * 15 s). The greedy match is the only one that can end at a colon, since the class excludes it, so this is the
 * same language.
 */
const SOURCE_ROUTE = /^<?(?=((?:@[^:,\s]+,?)+))\1:/;

/** "rfc822; <User@Example.com>" → "User@Example.com"; '' when no address. */
export function addressOf(value: string): string {
  if (value === '') return ''; // an absent field: nothing to run the patterns on
  // "rfc822;" type prefix and an RFC 821 source route ("@relay.example:user@host") go
  const v = value
    .replace(/^\s*[\w.-]+\s*;\s*/, '')
    .trim()
    .replace(SOURCE_ROUTE, '');
  // a quoted local part ("john..doe"@example.net) keeps its quotes: without them it is not an address
  const quoted = /("[^"\n]+"@[^\s<>"';,()]+)/.exec(v);
  if (quoted) return trimEnds(quoted[1], '', '>.');
  const m = ADDRESS_IN_ANGLES.exec(v) ?? ADDRESS_BARE.exec(v);
  if (!m) return '';
  const address = trimEnds(m[1], `'"<`, `'">.`);
  // RFC 5321: a 64-byte local part, @, a 255-byte domain; anything longer is junk, not an address
  return address.length <= MAX_ADDRESS_CHARS ? address : '';
}

const HOST = /^[a-z0-9_.:-]+$/;

/** "dns; mx.example.net [203.0.113.5]" → "mx.example.net" */
function hostOf(value: string): string {
  const v = value.replace(/^\s*[\w-]+\s*;\s*/, '').trim();
  const m = /^\[?([^\s\][;()]+)/.exec(v);
  const host = m ? m[1].toLowerCase().replace(/\.$/, '') : '';
  // a host name or address literal (RFC 1035: at most 255 characters); anything else is junk, not a host
  return host.length <= 255 && HOST.test(host) ? host : '';
}

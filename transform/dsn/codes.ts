// Text → SMTP facts: enhanced status, reply code, remote host, SMTP command. Patterns are data (tables below).
import { anyOf } from '../pattern-table.ts';

/** x.y.z not inside an IP address or version number. */
const ENHANCED = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/g;
/** a 3-digit SMTP reply code (RFC 5321 2xx values, 4xx/5xx) not inside a number, date, IP or path. */
const REPLY = /(?<![\d./\-+$=]|[0-9A-Fa-f]:)(2(?:1[14]|2[01]|35|5[0-3])|[45][0-5]\d)(?=[\s\-,;:)\]]|$)/g;

const REPLY_THEN_ENHANCED = /(?<![\d.])[245]\d\d[ -]['"#(]?([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/g;

/** The most specific enhanced status in the text: the first non-generic one, else the first; '' when none. */
export function enhancedStatusIn(text: string): string {
  // "550-'5.7.1 ..." / "550 5.7.1": the code right after a reply code is the receiver's own
  // (a 2xx pair in a session transcript is an accepted step, not the error)
  for (let paired = first(REPLY_THEN_ENHANCED, text); paired; paired = REPLY_THEN_ENHANCED.exec(text)) {
    if (paired[1] !== '2') return `${paired[1]}.${Number(paired[2])}.${Number(paired[3])}`;
  }
  let found = '';
  for (let m = first(ENHANCED, text); m; m = ENHANCED.exec(text)) {
    const code = `${m[1]}.${Number(m[2])}.${Number(m[3])}`;
    if (!found) found = code;
    if (!code.endsWith('.0.0')) return code;
  }
  return found;
}

/** The SMTP reply code in a diagnostic; prefers one of the same class as the status. 0 when none. */
export function replyCodeIn(text: string, status = ''): number {
  let found = 0;
  let firstFailure = 0;
  for (let m = first(REPLY, text); m; m = REPLY.exec(text)) {
    const code = Number(m[1]);
    if (!found) found = code;
    if (!firstFailure && code >= 400) firstFailure = code;
    if (status ? m[1][0] === status[0] : code >= 400) return code;
  }
  return firstFailure || found;
}

/** The first match of a global pattern, from the start; further calls of `re.exec` give the next ones. An exec loop
 *  where matchAll would clone the regex and build an iterator on every call (five times the cost on a short text). */
function first(re: RegExp, text: string): RegExpExecArray | null {
  re.lastIndex = 0;
  return re.exec(text);
}

/** The text names an enhanced status or a reply code: what enhancedStatusIn or replyCodeIn would find. */
export function hasCode(text: string): boolean {
  return ANY_ENHANCED.test(text) || ANY_REPLY.test(text);
}
const ANY_ENHANCED = new RegExp(ENHANCED.source);
const ANY_REPLY = new RegExp(REPLY.source);

/** Prefer the diagnostic's code when it has the same class as the Status field (or the field is missing). */
export function bestStatus(statusField: string, diagnostic: string): string {
  const field = normaliseStatus(statusField);
  const fromText = enhancedStatusIn(diagnostic);
  if (!field) return fromText;
  // the receiver's own code (in the diagnostic) beats the reporting MTA's translation of it
  if (fromText && fromText[0] === field[0] && !fromText.endsWith('.0.0')) return fromText;
  return field;
}

export function normaliseStatus(value: string): string {
  const m = /([245])\.(\d{1,3})\.(\d{1,3})/.exec(value);
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : '';
}

/** Where free-form texts name the receiving host. Group 1 is the host. */
const REMOTE_MTA: readonly RegExp[] = [
  /\bhost\s+([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})\.?\s*\[[\d.:a-fA-F]+\]\s+(?:said|refused to talk to me)/i,
  /\b(?:remote host|remote server|while talking to|connecting to|host)\s+\[?([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})\]?\.?[:\s]/i,
  /\bby\s+([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})\.?\s+\[[\d.:a-fA-F]+\]/i,
  /\bRemote-MTA:\s*(?:dns;\s*)?([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})/i,
  /\bremote host\s+\[?(\d{1,3}(?:\.\d{1,3}){3})\]?/i,
];

/** All the rows in one alternation: most texts name no host, and one regex run says so (not one per row). */
const ANY_REMOTE_MTA = anyOf(REMOTE_MTA) ?? /(?:)/;

export function remoteMtaIn(text: string): string {
  if (!ANY_REMOTE_MTA.test(text)) return '';
  for (const re of REMOTE_MTA) {
    const m = re.exec(text);
    if (m) return m[1].toLowerCase().replace(/\.$/, '');
  }
  return '';
}

/** Where free-form reports name the host that wrote them. Group 1 is the host. */
const REPORTING_MTA: readonly RegExp[] = [
  /This is the (?:qmail-send program|mail system|MAILER-DAEMON|DragonFly Mail Agent[^\n]*?) at (?:host )?([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})/i,
  /delivery status notification from ([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})/i,
  /the mail server on ([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})/i,
  /Generating server:\s*([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})/i,
  /Reporting-MTA:\s*(?:dns;\s*)?([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})/i,
];
/** A bounce's From: mailer-daemon@host / postmaster@host names the reporting host too. */
const DAEMON_FROM = /(?:mailer-daemon|postmaster|mail-daemon|mailer)@([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})/i;

const ANY_REPORTING_MTA = anyOf(REPORTING_MTA) ?? /(?:)/;

export function reportingMtaIn(text: string, from: string): string {
  for (const re of ANY_REPORTING_MTA.test(text) ? REPORTING_MTA : []) {
    const m = re.exec(text);
    if (m) return m[1].toLowerCase().replace(/\.$/, '');
  }
  return DAEMON_FROM.exec(from)?.[1].toLowerCase() ?? '';
}

/** SMTP command the receiver answered, from phrases MTAs use. */
const COMMANDS: ReadonlyArray<[RegExp, string]> = [
  [
    /\b(?:in reply to|after|response to|for)\s+(?:end of\s+)?(?:DATA|TEXT)\b|\b(?:DATA|TEXT) (?:command|response)|end of data|(?:^|\s)>>> DATA\b|failed after I sent the message/i,
    'DATA',
  ],
  [/\b(?:in reply to|after|response to|for)\s+RCPT(?: TO)?\b|\bRCPT TO\b|\[RCPT_TO\]|does not like recipient/i, 'RCPT'],
  [
    /\b(?:in reply to|after|response to|for)\s+MAIL(?: FROM)?\b|\bMAIL FROM\b|\[MAIL_FROM\]|\bbut sender was rejected/i,
    'MAIL',
  ],
  [/\b(?:in reply to|after|response to)\s+EHLO\b|(?:^|\s)>>> EHLO\b/i, 'EHLO'],
  // qmail-remote greets with HELO ("Connected to 192.0.2.1 but my name was rejected")
  [/\b(?:in reply to|after|response to)\s+HELO\b|(?:^|\s)>>> HELO\b|\bbut my name was rejected/i, 'HELO'],
  [/\bin reply to\s+STARTTLS\b/i, 'STARTTLS'],
  // Postfix "refused to talk to me" and qmail "but greeting failed": the banner was a refusal
  [
    /\b(?:during|after|in reply to) (?:the )?(?:initial )?(?:connection|greeting|banner)\b|\bconnect to\b|refused to talk to me|\bbut greeting failed/i,
    'CONN',
  ],
];

/** Words one of which each COMMANDS row needs (lower case): a cheap includes() spares most regex runs. */
const NEEDLES: Readonly<Record<string, readonly string[]>> = {
  DATA: ['data', 'text', 'failed after i sent'],
  RCPT: ['rcpt', 'does not like recipient'],
  MAIL: ['mail', 'sender was rejected'],
  EHLO: ['ehlo'],
  HELO: ['helo', 'my name was rejected'],
  STARTTLS: ['starttls'],
  CONN: ['connect', 'greeting', 'banner', 'refused to talk'],
};

/** Any row's needle: most texts have none, and then one scan answers for all the rows. */
const ANY_NEEDLE = new RegExp(
  Object.values(NEEDLES)
    .flat()
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
);

function includesAny(lower: string, needles: readonly string[]): boolean {
  for (const n of needles) if (lower.includes(n)) return true;
  return false;
}

export function commandIn(text: string): string {
  if (text === '') return '';
  const lower = text.toLowerCase();
  if (!ANY_NEEDLE.test(lower)) return '';
  for (const [re, cmd] of COMMANDS) {
    if (includesAny(lower, NEEDLES[cmd]) && re.test(text)) return cmd;
  }
  return '';
}

/** Report furniture that sometimes lands in front of the receiver's words. */
const DIAG_NOISE: readonly RegExp[] = [
  /^-{3,}[^-\n]{0,60}-{3,}\s*/, // "----- Transcript of session follows -----"
  /^-{3,}\s*(?:server message|error message|reason)\s*:?\s*/i,
  /^(?:technical (?:report|details(?: of (?:permanent|temporary) failure)?)|error message below|the error that the other server returned was)\s*:\s*/i,
  /^diagnostic[- ]code\s*:\s*(?:smtp\s*;\s*)?/i,
];

/** The first characters DIAG_NOISE rows can match (keep in step with the table). */
const NOISE_STARTS = '-tTeEdD';

/** Drops leading furniture (separator lines, "Technical details:") from a diagnostic. */
export function cleanDiagnostic(text: string): string {
  // every DIAG_NOISE row is anchored and starts with one of these: other texts need no pass
  if (!NOISE_STARTS.includes(text[0])) return joinMultiline(text);
  let out = text;
  for (let pass = 0; pass < 3; pass++) {
    const before = out;
    for (const re of DIAG_NOISE) out = out.replace(re, '');
    if (out === before) break;
  }
  return joinMultiline(out);
}

/** a continuation prefix ("550-5.7.1 "), or the last line's ("550 5.7.1 "), inside the unfolded text */
const MULTILINE_PREFIX = /(?<![\d.\w])([245]\d\d)[- ](?:([245]\.\d{1,3}\.\d{1,3}) )?(?=[A-Za-z([<'"])/g;

/**
 * "550-5.7.1 Unfortunately ... since part 550-5.7.1 of their network ..." → "550 5.7.1 Unfortunately ... since
 * part of their network ...": a multi-line SMTP reply, unfolded, keeps its continuation prefixes mid-sentence,
 * which would hide phrases the receiver rules look for.
 */
export function joinMultiline(text: string): string {
  if (!text.includes('-')) return text;
  const first = /(?<![\d.\w-])([245]\d\d)-(?:([245]\.\d{1,3}\.\d{1,3}) )?/.exec(text);
  if (!first) return text;
  const [, code, status] = first;
  const head = text.slice(0, first.index);
  const rest = text
    .slice(first.index + first[0].length)
    .replace(MULTILINE_PREFIX, (whole, c: string, st: string | undefined) =>
      c === code && (st ?? '') === (status ?? '') ? '' : whole,
    );
  return `${head}${code} ${status ? `${status} ` : ''}${rest}`.replace(/\s+/g, ' ').trim();
}

/** One line, single spaces; "smtp; " type prefixes dropped. */
export function unfold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function stripDiagnosticType(value: string): string {
  return joinMultiline(value.replace(/^\s*(?:smtp|x-[\w-]+|unix|x-unix|x-local|local|mailbox|dns)\s*;\s*/i, '').trim());
}

/** A reporting MTA's action when the report does not say: 4xx is delayed, everything else failed. */
export function actionFrom(status: string, replyCode: number, delayedHint: boolean): string {
  if (status.startsWith('4') || (!status && String(replyCode).startsWith('4')))
    return delayedHint ? 'delayed' : 'failed';
  return 'failed';
}

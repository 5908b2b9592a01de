// Sending IP and its /24 or /64, the original envelope sender and the authenticated sending account,
// read from the DSN fields and the returned original's headers. Tables below, one walker each.
import ipaddr from 'ipaddr.js';
import type { DsnFields, DsnRecipient, Verdict } from './dsn-fields.ts';
import { normaliseIp } from './rhost/rule.ts';
import { requiredLiterals } from './pattern-table.ts';

/** Header name → pattern whose group 1 is the sending account; first hit in header order wins. */
const ACCOUNT_SOURCES: ReadonlyArray<[string, RegExp]> = [
  ['received', /\(Authenticated sender:\s*([^\s()]+)\s*\)/i], // Postfix smtpd_sasl_authenticated_header
  ['received', /\bauthenticated_id:\s*([^\s();]+)/i], // cPanel/Exim
  ['received', /\(authenticated as\s+([^\s()]+)\)/i], // Sendmail, Courier
  ['received', /\bauth(?:enticated)?[-_ ]?(?:user|id)[=:]\s*([^\s();]+)/i],
  ['received', /\bwith esmtps?a\b[\s\S]*?\(envelope-from <([^>\s]+)>\)/i], // Exim: authenticated, envelope shows the login
  ['x-authenticated-sender', /^(?:[^\s:]+:\s*)?([^\s:]\S*)$/i], // "host: login" or "login"
  ['x-get-message-sender-via', /authenticated_id:\s*(\S+)/i],
  ['x-antiabuse', /Authenticated sender:?\s*(\S+)/i],
  ['x-authenticated-user', /^\s*(\S+)/],
  ['x-auth-id', /^\s*(\S+)/],
];

/** Where the envelope sender may be written, in order of trust. A bare address must start where a run of address
 *  characters starts (the look-behind), so a long run with no `@` is tried once, not once per character. */
const SENDER_SOURCES: ReadonlyArray<[string, RegExp]> = [
  ['return-path', /<([^<>\s]*@[^<>\s]+)>|(?<![^<>\s])([^<>\s]+@[^<>\s]+)/],
  ['received', /\(envelope-from <([^>\s]+@[^>\s]+)>\)/i],
  ['x-envelope-from', /(?<![^<>\s])([^<>\s]+@[^<>\s]+)/],
  ['sender', /<([^<>\s]+@[^<>\s]+)>|(?<![^<>\s])([^<>\s]+@[^<>\s]+)/],
  ['from', /<([^<>\s]+@[^<>\s]+)>|(?<![^<>\s])([^<>\s]+@[^<>\s]+)/],
];

const BY_HOST = /\bby\s+([A-Za-z0-9.-]+)/i;
/** IP literals in the "from" part of a Received header: [IP] or a bare IP in parentheses. */
const FROM_IPS =
  /\[(?:IPv6:)?([0-9A-Fa-f:.]{3,45})\]|\((?:IPv6:)?((?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})\)/gi;
/** "by <host> (IP)", "by <host> ([IP])", "by <host> (name [IP])", "by <host> (IPv6:…)": the receiving host and its own address. */
const BY_PART = /\bby\s+([^\s;()]+)\s*\((?:[^\s()[\]]+\s+)?\[?(?:IPv6:)?([0-9A-Fa-f:.]{3,45})(?:%\w+)?\]?\s*\)/i;
/** "from <host> (name [IP])" / "from <host> ([IP])": the sending host and its address as the next hop saw it. */
const FROM_PART = /^\s*from\s+([^\s;()]+)\s*\((?:[^\s()[\]]+\s+)?\[(?:IPv6:)?([0-9A-Fa-f:.]{3,45})\]/i;
// 'reserved' stays usable: it holds the documentation ranges (198.51.100.0/24, 2001:db8::/32) samples use.
const NON_PUBLIC = new Set([
  'private',
  'loopback',
  'linkLocal',
  'uniqueLocal',
  'unspecified',
  'carrierGradeNat',
  'multicast',
  'broadcast',
]);

export interface Header {
  name: string;
  value: string;
}

// One bounce yields one event per recipient, all with the same original: remember the last block.
let lastBlock = '';
let lastHeaders: Header[] = [];

/** Header block → unfolded (name, value) pairs, names lower case, in order. */
export function parseHeaders(block: string): Header[] {
  if (block === lastBlock) return lastHeaders;
  // blocks come LF-normalised; a decoded enclosure may still carry CR
  const out = headersOfLfBlock(block.includes('\r') ? block.replace(/\r\n?/g, '\n') : block);
  lastBlock = block;
  lastHeaders = out;
  return out;
}

/** An LF block's fields, read by line offsets (no array of lines); the empty line ends the block. */
function headersOfLfBlock(block: string): Header[] {
  const out: Header[] = [];
  let colon = -1; // the first colon at or after the line start, kept while ahead: lines without one stay linear
  for (let start = 0; start <= block.length;) {
    let end = block.indexOf('\n', start);
    if (end < 0) end = block.length;
    if (end === start) break; // the empty line that ends the block
    const first = block.charCodeAt(start);
    if (first === 0x20 || first === 0x09) {
      const last = out[out.length - 1];
      if (last) last.value += ' ' + block.slice(start, end).trim();
    } else {
      if (colon < start) colon = block.indexOf(':', start);
      if (colon > start && colon < end) {
        out.push({
          name: block.slice(start, colon).trim().toLowerCase(),
          value: block.slice(colon + 1, end).trim(),
        });
      }
    }
    start = end + 1;
  }
  return out;
}

/** IPv4 ranges NON_PUBLIC names, as [first octet, second octet min, max] (second null = any): no ipaddr.js parse needed. */
const V4_NON_PUBLIC: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 255],
  [10, 0, 255],
  [127, 0, 255],
  [169, 254, 254],
  [172, 16, 31],
  [192, 168, 168],
  [100, 64, 127],
];
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isPublicIp(ip: string): boolean {
  const norm = normaliseIp(ip);
  if (norm === '') return false;
  const v4 = DOTTED.exec(norm);
  if (v4) {
    // the cheap path for the common case; same answer as ipaddr's range() for these classes
    const a = Number(v4[1]),
      b = Number(v4[2]);
    if ((a >= 224 && a <= 239) || norm === '255.255.255.255') return false; // multicast, broadcast
    return !V4_NON_PUBLIC.some(([first, lo, hi]) => a === first && b >= lo && b <= hi);
  }
  return !NON_PUBLIC.has(ipaddr.parse(norm).range());
}

/**
 * Our refused outbound IP: the listed IP when the receiver named one; else an IP literal in the
 * Reporting-MTA field; else the original's Received chain (see docs/classification.md); else ''.
 */
export function sendingIpOf(
  rcpt: DsnRecipient,
  fields: DsnFields,
  verdict: Verdict,
  siblings: readonly Verdict[] = [],
): string {
  void rcpt;
  if (verdict.listedIp) return verdict.listedIp;
  // the same for every recipient of one bounce, and its recipients come one after another: work it out once
  if (fields !== lastIpFields) {
    lastIp = messageSendingIp(fields);
    lastIpFields = fields;
  }
  // one reporting MTA sent to every recipient of the bounce: another receiver named the address it came from
  return lastIp || (siblings.find((v) => v.listedIp)?.listedIp ?? '');
}

let lastIpFields: DsnFields | null = null;
let lastIp = '';

function messageSendingIp(fields: DsnFields): string {
  const inReporting = /[[(]\s*(?:IPv6:)?([0-9A-Fa-f:.]{3,45})\s*[\])]/.exec(fields.reportingMta)?.[1];
  const reportingIp = normaliseIp(inReporting ?? '');
  if (isPublicIp(reportingIp)) return reportingIp;
  return ipFromReceived(parseHeaders(fields.original.headers), fields.reportingMta);
}

function ipFromReceived(headers: Header[], reportingMta: string): string {
  const received: Header[] = [];
  for (const h of headers) if (h.name === 'received') received.push(h);
  const reporter = REPORTER_HOST.exec(reportingMta.replace(/^\s*dns\s*;\s*/i, ''))![0].toLowerCase();
  // 1. a hop whose "by" names the reporting MTA together with its own address, or whose "from" names it with
  //    the address the next hop saw (a later relay, or a receiver that accepted first); internal hops skipped
  if (reporter) {
    for (const h of received) {
      const ip = hopIpOf(BY_PART.exec(h.value), reporter) || hopIpOf(FROM_PART.exec(h.value), reporter);
      if (ip) return ip;
    }
  }
  // 2. the hop where the message left our hosts: added by a foreign host, received from one of ours
  //    (our hosts = the domain of the lowest hop's receiver, i.e. our submission server)
  const lowest = received[received.length - 1];
  const ours = baseDomain(BY_HOST.exec(lowest?.value ?? '')?.[1] ?? '');
  if (!ours) return '';
  for (const h of received.slice(0, -1)) {
    const [fromPart = '', byPart = ''] = h.value.split(/\sby\s/i);
    if (baseDomain(FIRST_TOKEN.exec(byPart.trim())![0]) === ours) continue;
    if (!fromPart.toLowerCase().includes(ours)) continue;
    for (const m of fromPart.matchAll(FROM_IPS)) {
      const ip = normaliseIp(m[1] ?? m[2] ?? '');
      if (isPublicIp(ip)) return ip;
    }
  }
  return '';
}

/** The public IP of a BY_PART / FROM_PART match whose host is the reporter; '' otherwise. */
function hopIpOf(part: RegExpExecArray | null, reporter: string): string {
  if (!part?.[1] || !part[2] || part[1].toLowerCase().replace(/\.$/, '') !== reporter) return '';
  const ip = normaliseIp(part[2]);
  return isPublicIp(ip) ? ip : '';
}

/** What `.split(/[\s([]/)[0]` gives, without splitting the rest. */
const REPORTER_HOST = /^[^\s([]*/;
/** What `.split(/[\s;(]/)[0]` gives, without splitting the rest. */
const FIRST_TOKEN = /^[^\s;(]*/;

/** example-hoster.net for mo-out01.example-hoster.net (example.co.uk kept whole); '' for none. */
export function baseDomain(host: string): string {
  // the last three non-empty labels, walked from the end (what split('.').filter(Boolean) would end with)
  const h = host.toLowerCase();
  const labels: string[] = [];
  let end = h.length;
  for (let i = h.length - 1; i >= -1 && labels.length < 3; i--) {
    if (i >= 0 && h.charCodeAt(i) !== 0x2e) continue;
    if (end > i + 1) labels.push(h.slice(i + 1, end));
    end = i;
  }
  if (labels.length < 2) return '';
  const [last, second, third] = labels;
  const take = third !== undefined && last.length === 2 && SECOND_LEVEL.test(second) ? 3 : 2;
  return take === 3 ? `${third}.${second}.${last}` : `${second}.${last}`;
}

const SECOND_LEVEL = /^(?:co|com|org|net|ac|gv|or|ne|gov|edu)$/;

/** 198.51.100.0/24 for IPv4, 2001:db8:1:2::/64 for IPv6; '' for '' or a non-IP. */
export function prefixOf(ip: string): string {
  // the recipients of one bounce share their sending IP
  if (ip !== lastPrefixIp) {
    lastPrefix = computePrefix(ip);
    lastPrefixIp = ip;
  }
  return lastPrefix;
}

let lastPrefixIp = '';
let lastPrefix = '';

function computePrefix(ip: string): string {
  const norm = normaliseIp(ip);
  if (!norm) return '';
  const v4 = DOTTED.exec(norm);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const addr = ipaddr.parse(norm);
  if (addr.kind() === 'ipv4') {
    const o = (addr as ipaddr.IPv4).octets;
    return `${o[0]}.${o[1]}.${o[2]}.0/24`;
  }
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toRFC5952String()}/64`;
}

/** The original envelope sender: X-Postfix-Sender, Return-Path, envelope-from, Sender, From. */
export function originalSender(fields: DsnFields): string {
  const postfix = fields.extra['x-postfix-sender'] ?? fields.extra['x-original-sender'] ?? '';
  const fromDsn = /^(?:\s*rfc822\s*;)?\s*<?([^<>\s;]+@[^<>\s;]+)>?\s*$/i.exec(postfix)?.[1];
  if (fromDsn) return fromDsn.toLowerCase();
  return firstMatch(parseHeaders(fields.original.headers), SENDERS).toLowerCase();
}

/** The authenticated account that submitted the original, when a header names it; '' otherwise. */
export function sendingAccount(fields: DsnFields): string {
  return firstMatch(parseHeaders(fields.original.headers), ACCOUNTS);
}

/** A source row, with the ASCII literals one of which its pattern needs (pattern-table.ts) when it has such. */
interface Source {
  name: string;
  pattern: RegExp;
  literals: readonly string[] | null;
}

function sources(rows: ReadonlyArray<[string, RegExp]>): readonly Source[] {
  return rows.map(([name, pattern]) => {
    const literals = requiredLiterals(pattern);
    // a lower-cased value keeps every run of ASCII characters, so ASCII literals are found in it whenever they
    // are in the value as the pattern reads it
    return { name, pattern, literals: literals?.every((l) => /^[\x20-\x7e]+$/.test(l)) ? literals : null };
  });
}

const SENDERS = sources(SENDER_SOURCES);
const ACCOUNTS = sources(ACCOUNT_SOURCES);

function firstMatch(headers: Header[], rows: readonly Source[]): string {
  for (const { name, pattern, literals } of rows) {
    for (let i = 0; i < headers.length; i++) {
      if (headers[i].name !== name) continue;
      if (literals && !containsAny(lowerValue(headers, i), literals)) continue; // the pattern cannot match
      const m = pattern.exec(headers[i].value);
      if (!m) continue;
      for (let g = 1; g < m.length; g++) if (m[g]) return m[g]; // the first non-empty group
    }
  }
  return '';
}

let lowerFor: Header[] | null = null;
let lowerValues: Array<string | undefined> = [];

/** headers[i].value in lower case, made once per header block. */
function lowerValue(headers: Header[], i: number): string {
  if (headers !== lowerFor) {
    lowerFor = headers;
    lowerValues = [];
  }
  return (lowerValues[i] ??= headers[i].value.toLowerCase());
}

function containsAny(text: string, literals: readonly string[]): boolean {
  for (const l of literals) if (text.includes(l)) return true;
  return false;
}

/** Lower-case domain of an address; '' when there is no @. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .trim()
        .replace(/>$/, '')
        .toLowerCase();
}

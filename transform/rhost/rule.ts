// The shape of a receiver rule row, and the one matcher that walks a table of them.
import ipaddr from 'ipaddr.js';
import type { Category, Reason } from '../vocabulary.ts';
import { LITERALS, mayMatch } from '../pattern-table.ts';

/** What the rules look at, derived once per recipient. */
export interface Subject {
  /** the receiver's text, unfolded. */
  text: string;
  /** enhanced status: the DSN Status, or the code inside the text when the Status is empty or x.0.0. */
  status: string;
  /** SMTP reply code as text ('550'), '' when none. */
  reply: string;
  /** SMTP command in upper case ('RCPT', 'CONN'...), '' when unknown. */
  command: string;
  action: string;
  /** lower-case domain of the failed recipient. */
  domain: string;
}

/** One row: every condition given must hold. */
export interface Rule {
  /** on the receiver's text (write with the i flag). */
  match?: RegExp;
  /** on the effective enhanced status (anchored). */
  status?: RegExp;
  /** on the SMTP reply code as text. */
  reply?: RegExp;
  /** on the SMTP command. */
  command?: RegExp;
  /** on the recipient's domain. */
  domain?: RegExp;
  reason: Reason;
  /** overrides CATEGORY_OF_REASON. */
  category?: Category;
  /**
   * Microsoft code: a fixed value, 'status' (the effective enhanced status, Microsoft's own), 'generic-status' (the
   * status, but only when no S-code or rule number is printed), or a RegExp whose capture groups joined make it.
   */
  msCode?: string | RegExp;
  /** where this row's IP sits (capture group 1); replaces the table's patterns. */
  listedIp?: RegExp;
}

export interface RuleTable {
  name: string;
  rules: readonly Rule[];
  /** where the receiver prints the IP it refuses (capture group 1), tried in order. */
  listedIp: readonly RegExp[];
}

/** Bracketed IP, "[198.51.100.7]" or "[2001:db8::7]". */
export const IP_BRACKETED = String.raw`\[\s*([0-9A-Fa-f:.]{3,45})\s*\]`;
/** A bare IPv4 or IPv6 literal. */
export const IP_BARE = String.raw`((?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\d{1,3}(?:\.\d{1,3}){3})?)`;

export function re(source: string): RegExp {
  return new RegExp(source, 'i');
}

export function ruleMatches(rule: Rule, s: Subject): boolean {
  if (rule.status && !rule.status.test(s.status)) return false;
  if (rule.reply && !rule.reply.test(s.reply)) return false;
  if (rule.command && !rule.command.test(s.command)) return false;
  if (rule.domain && !rule.domain.test(s.domain)) return false;
  if (rule.match && !rule.match.test(s.text)) return false;
  return true;
}

export function findRule(table: RuleTable, s: Subject): Rule | undefined {
  const filters = literalFilters(table);
  const hits = LITERALS.hits(s.text);
  const rules = table.rules;
  for (let i = 0; i < rules.length; i++) {
    // a row whose text pattern needs literals the text lacks cannot match
    if (mayMatch(filters[i], hits) && ruleMatches(rules[i], s)) return rules[i];
  }
  return undefined;
}

const FILTERS = new WeakMap<RuleTable, Array<Int32Array | null>>();

/** Per row, the literal prefilter of its text pattern (pattern-table.ts); null when the row has none. */
export function literalFilters(table: RuleTable): Array<Int32Array | null> {
  let filters = FILTERS.get(table);
  if (filters === undefined || filters.length !== table.rules.length) {
    filters = LITERALS.filtersFor(table.rules.map((r) => r.match));
    FILTERS.set(table, filters);
  }
  return filters;
}

export function msCodeOf(rule: Rule, s: Subject): string {
  const spec = rule.msCode;
  if (spec === undefined) return '';
  if (typeof spec === 'string') return spec === 'status' || spec === 'generic-status' ? s.status : spec;
  const m = spec.exec(s.text);
  return m
    ? m
        .slice(1)
        .filter((g) => g !== undefined)
        .join('')
        .toUpperCase()
    : '';
}

/**
 * The same pattern for text with its white space removed: relays and text-only notices hard-wrap at 72-78
 * columns anywhere ("[198.51.\n100.7]", "messages f\nrom"), and unfolding turns each break into a space.
 * null when the pattern needs white space to mean what it says ("[IP n]").
 */
export function compactPattern(p: RegExp): RegExp | null {
  if (/\\s\+|\\s\{[1-9]/.test(p.source)) return null;
  return new RegExp(p.source.replace(/\\s[*?]?| /g, ''), p.flags);
}

/** Text without white space, for compactPattern's patterns. */
export function compactText(text: string): string {
  return text.replace(/\s+/g, '');
}

/** The first valid IP any pattern captures, normalised; null when none. */
export function listedIpOf(patterns: readonly RegExp[], text: string): string | null {
  for (const p of patterns) {
    const m = p.exec(text);
    const ip = m ? normaliseIp(m[1] ?? '') : '';
    if (ip) return ip;
  }
  return null;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]{2,45}$/;

/** Dotted IPv4 or RFC 5952 IPv6 (IPv4-mapped IPv6 becomes IPv4); '' when not an IP. */
export function normaliseIp(candidate: string): string {
  const text = candidate.trim().replace(/^IPv6:/i, '');
  if (IPV4.test(text)) return text;
  // cheap checks first: ipaddr.js validates by throwing, which is slow on the hot path
  if (!IPV6_CHARS.test(text) || text.indexOf(':') < 0 || !ipaddr.IPv6.isValid(text)) return '';
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
}

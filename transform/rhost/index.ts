// Which receiver refused (host/domain suffix table), and which rule tables speak for it.
import type { Provider } from '../vocabulary.ts';
import { apple } from './apple.ts';
import { blocklists } from './blocklists.ts';
import { generic } from './generic.ts';
import { google } from './google.ts';
import { unitedInternet } from './gmx-webde-ionos.ts';
import { microsoft } from './microsoft.ts';
import { orangeLaPoste } from './orange-laposte.ts';
import { compactPattern, type RuleTable } from './rule.ts';
import { tonline } from './tonline.ts';
import { yahoo } from './yahoo.ts';

/** A public suffix after a brand name: .de, .com, .co.uk, .com.au (not "live.example.org"). */
const TLD = String.raw`(?:[a-z]{2,6}|co\.[a-z]{2}|com?\.[a-z]{2})`;
const host = (brands: string): RegExp => new RegExp(String.raw`(?:^|\.)(?:${brands.replaceAll('.*', `\.${TLD}`)})$`);

/** Provider by host or domain name (MX host or recipient domain); first row whose pattern matches wins. */
const HOSTS: ReadonlyArray<[Provider, RegExp]> = [
  ['microsoft', host(String.raw`protection\.outlook\.com|outlook.*|hotmail.*|live.*|msn\.com|passport\.com|messaging\.microsoft\.com|windowslive\.com`)],
  ['google', host(String.raw`google\.com|googlemail\.com|gmail\.com|googlegroups\.com|1e100\.net`)],
  ['yahoo', host(String.raw`yahoodns\.net|yahoo.*|ymail\.com|rocketmail\.com|aol.*|aim\.com`)],
  ['webde', host(String.raw`web\.de`)],
  ['ionos', host(String.raw`ionos.*|kundenserver\.de|perfora\.net|1und1.*|1and1.*|online\.de|onlinehome\.de|schlund\.de`)],
  ['gmx', host(String.raw`gmx.*|mail\.com`)],
  ['tonline', host(String.raw`t-online\.de|telekom\.de|magenta\.de`)],
  ['apple', host(String.raw`icloud\.com|me\.com|mac\.com|apple\.com`)],
];

/** Provider by the receiver's own words, when neither host nor recipient domain told us. */
const TEXTS: ReadonlyArray<[Provider, RegExp]> = [
  ['microsoft', /protection\.outlook\.com|postmaster\.live\.com|mail\.live\.com|sender\.office\.com|messaging\.microsoft\.com|\bA?S31[45]0\b|go\.microsoft\.com/i],
  ['google', /\bgsmtp\b|\bgcdp\b|support\.google\.com/i],
  ['yahoo', /yahoo(?:inc)?\.com|\baol\.com|\[TSS?\d\d\]/i],
  ['webde', /postmaster\.web\.de|\bweb\.de \(/i],
  ['ionos', /\bionos\b|kundenserver\.de|perfora\.net|1und1\.de/i],
  ['gmx', /postmaster\.gmx\.|\bgmx(?:\.net)? \(/i],
  ['tonline', /t-online\.de|\(BL\)|\(NOWL\)|\(DIAL\)/i],
  ['apple', /icloud\.com|apple\.com|\[HME1\]|\[CS0\d\]|\[HM0\d\]/i],
];

const TABLE_OF: Record<Provider, RuleTable | undefined> = {
  microsoft, google, yahoo, gmx: unitedInternet, webde: unitedInternet, ionos: unitedInternet, tonline, apple, other: undefined,
};

function byHost(host: string): Provider | undefined {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (!h) return undefined;
  for (const [provider, pattern] of HOSTS) if (pattern.test(h)) return provider;
  return undefined;
}

/**
 * The receiver's own signature in its reply: the front end that refused, a code only it writes. Microsoft 365
 * refuses for itself (5.7.708 from its own low-reputation pool) inside NDRs to recipients anywhere.
 */
const REFUSER_SIGNATURES: ReadonlyArray<[Provider, RegExp]> = [
  ['google', /\bgsmtp\b/],
  ['microsoft', /\.(?:prod|protection)\.outlook\.com\b|(?<![\d.])(?:5\.7\.(?:5[01]\d|6[0-4]\d|7[0-5]\d)|4\.7\.[5-8]\d\d)(?![\d.])|\(A?S\d{3,11}\)|\bAS\(\d{3,12}\)/],
];

/**
 * Who refused decides, not where the recipient's mailbox is: the MX that answered (Remote-MTA / "host X
 * said"), else the receiver's signature in the reply, else the recipient domain (hotmail.de at an unnamed MX is
 * Microsoft's), else the receiver's words. Brands sharing one rule table (GMX / WEB.DE / IONOS) keep the
 * recipient's brand.
 */
export function providerOf(recipientDomain: string, remoteMta: string, text: string): Provider {
  const byDomain = byHost(recipientDomain);
  const byMx = byHost(remoteMta);
  if (byMx) return byDomain && TABLE_OF[byDomain] === TABLE_OF[byMx] ? byDomain : byMx;
  for (const [provider, pattern] of REFUSER_SIGNATURES) if (pattern.test(text)) return provider;
  if (byDomain) return byDomain;
  for (const [provider, pattern] of TEXTS) if (pattern.test(text)) return provider;
  return 'other';
}

const TABLES_FOR = new Map<Provider, readonly RuleTable[]>();
const LISTED_IP_FOR = new Map<Provider, readonly RegExp[]>();
const WRAPPED_IP_FOR = new Map<Provider, readonly RegExp[]>();
for (const [provider, own] of Object.entries(TABLE_OF) as Array<[Provider, RuleTable | undefined]>) {
  const tables = own ? [own, orangeLaPoste, blocklists, generic] : [orangeLaPoste, blocklists, generic];
  TABLES_FOR.set(provider, tables);
  LISTED_IP_FOR.set(provider, tables.flatMap((t) => t.listedIp));
  WRAPPED_IP_FOR.set(provider, tables.flatMap((t) => t.listedIp).map(compactPattern).filter((p): p is RegExp => p !== null));
}

/** listedIpPatternsFor's patterns for text with its white space removed (see compactPattern). */
export function wrappedIpPatternsFor(provider: Provider): readonly RegExp[] {
  return WRAPPED_IP_FOR.get(provider)!;
}

/** Tables to try in order for one provider: its own, Orange/La Poste's codes, the block lists, the generic one. */
export function tablesFor(provider: Provider): readonly RuleTable[] {
  return TABLES_FOR.get(provider)!;
}

/** Where the IP may be printed, for the provider's tables, in table order. */
export function listedIpPatternsFor(provider: Provider): readonly RegExp[] {
  return LISTED_IP_FOR.get(provider)!;
}

export { blocklists, generic, orangeLaPoste };

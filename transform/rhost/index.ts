// The receiver registry: one row per receiver file. Provider names, the host/domain and text tables, and the
// report's colours are derived from the files listed here; adding a receiver is its file plus one row.
import { appleReceiver } from './apple.ts';
import { blocklists } from './blocklists.ts';
import { generic } from './generic.ts';
import { googleReceiver } from './google.ts';
import { unitedInternetReceiver } from './gmx-webde-ionos.ts';
import { microsoftReceiver } from './microsoft.ts';
import { mimecastReceiver } from './mimecast.ts';
import { orangeLaPoste } from './orange-laposte.ts';
import type { Brand } from './receiver.ts';
import { compactPattern, listedIpOf, literalFilters, type RuleTable } from './rule.ts';
import { LITERALS, mayMatch, PatternTable } from '../pattern-table.ts';
import { tonlineReceiver } from './tonline.ts';
import { yahooReceiver } from './yahoo.ts';

/** Receivers in the order their host and text patterns are tried; the first brand that matches wins. */
export const RECEIVERS = [
  microsoftReceiver,
  googleReceiver,
  yahooReceiver,
  unitedInternetReceiver,
  tonlineReceiver,
  appleReceiver,
  mimecastReceiver,
] as const;

type Named = (typeof RECEIVERS)[number]['brands'][number]['provider'];
/** Receivers we track by name; everything else is `other`. */
export type Provider = Named | 'other';

const BRANDS: ReadonlyArray<{ brand: Brand<Named>; table: RuleTable }> = RECEIVERS.flatMap((r) =>
  r.brands.map((brand) => ({ brand, table: r.table })),
);

export const PROVIDERS: readonly Provider[] = [...BRANDS.map((b) => b.brand.provider), 'other'];

/** Report colour per provider; `other` is the neutral grey. */
export const PROVIDER_COLOURS: Readonly<Record<Provider, string>> = Object.fromEntries([
  ...BRANDS.map((b) => [b.brand.provider, b.brand.colour]),
  ['other', '#8795a1'],
]) as Record<Provider, string>;

/** Colour for a provider name read back from the store (names from before a rename fall back to `other`'s). */
export function providerColour(name: string): string {
  return Object.hasOwn(PROVIDER_COLOURS, name) ? PROVIDER_COLOURS[name as Provider] : PROVIDER_COLOURS.other;
}

/** A public suffix after a brand name: .de, .com, .co.uk, .com.au (not "live.example.org"). */
const TLD = String.raw`(?:[a-z]{2,6}|co\.[a-z]{2}|com?\.[a-z]{2})`;
const host = (brands: string): RegExp =>
  new RegExp(String.raw`(?:^|\.)(?:${brands.replaceAll('.*', String.raw`\.${TLD}`)})$`);

/** Provider by host or domain name (MX host or recipient domain); first row whose pattern matches wins. */
const HOSTS = new PatternTable<Provider>(BRANDS.map((b) => [b.brand.provider, host(b.brand.hosts)]));

/** Provider by the receiver's own words, when neither host nor recipient domain told us. */
const TEXTS = new PatternTable<Provider>(
  BRANDS.map((b) => [b.brand.provider, b.brand.texts]),
  true,
);

/** The receiver's own signature in its reply: the front end that refused, a code only it writes. */
const REFUSER_SIGNATURES = new PatternTable<Provider>(
  BRANDS.flatMap((b) => (b.brand.refuses ? [[b.brand.provider, b.brand.refuses] as [Provider, RegExp]] : [])),
  true,
);

const TABLE_OF = new Map<Provider, RuleTable | undefined>([
  ...BRANDS.map((b): [Provider, RuleTable] => [b.brand.provider, b.table]),
  ['other', undefined],
]);

function byHost(host: string): Provider | undefined {
  // the same few recipient domains and MX hosts come back all day: remember the answers (a pure function of host)
  const known = BY_HOST.get(host);
  if (known !== undefined || BY_HOST.has(host)) return known;
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  const provider = h ? HOSTS.first(h) : undefined;
  if (host.length > 255) return provider; // no host name is longer (DNS): junk is not kept
  if (BY_HOST.size >= BY_HOST_MAX) BY_HOST.clear();
  BY_HOST.set(host, provider);
  return provider;
}

const BY_HOST = new Map<string, Provider | undefined>();
/** Bounds the memory a stream of distinct hosts can take. */
const BY_HOST_MAX = 4096;

/**
 * Who refused decides, not where the recipient's mailbox is: the MX that answered (Remote-MTA / "host X
 * said"), else the receiver's signature in the reply, else the recipient domain (hotmail.de at an unnamed MX is
 * Microsoft's), else the receiver's words. Brands sharing one rule table (GMX / WEB.DE / IONOS) keep the
 * recipient's brand.
 */
export function providerOf(recipientDomain: string, remoteMta: string, text: string): Provider {
  const byDomain = byHost(recipientDomain);
  const byMx = byHost(remoteMta);
  if (byMx) return byDomain && TABLE_OF.get(byDomain) === TABLE_OF.get(byMx) ? byDomain : byMx;
  const refuser = REFUSER_SIGNATURES.first(text);
  if (refuser) return refuser;
  if (byDomain) return byDomain;
  return TEXTS.first(text) ?? 'other';
}

const TABLES_FOR = new Map<Provider, readonly RuleTable[]>();
const LISTED_IP_FOR = new Map<Provider, readonly RegExp[]>();
const WRAPPED_IP_FOR = new Map<Provider, readonly RegExp[]>();
for (const [provider, own] of TABLE_OF) {
  const tables = own ? [own, orangeLaPoste, blocklists, generic] : [orangeLaPoste, blocklists, generic];
  TABLES_FOR.set(provider, tables);
  LISTED_IP_FOR.set(
    provider,
    tables.flatMap((t) => t.listedIp),
  );
  WRAPPED_IP_FOR.set(
    provider,
    tables
      .flatMap((t) => t.listedIp)
      .map(compactPattern)
      .filter((p): p is RegExp => p !== null),
  );
}

// Every table's literals registered now: the keyword automaton is rebuilt whenever a new one arrives, and tables
// first met while parsing would rebuild it some ten times per process (about 60 ms of a worker's start).
for (const tables of TABLES_FOR.values()) for (const table of tables) literalFilters(table);

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

const LISTED_IP_FILTERS = new Map(
  [...LISTED_IP_FOR].map(([provider, patterns]) => [provider, LITERALS.filtersFor(patterns)]),
);

/** listedIpOf(listedIpPatternsFor(provider), text), skipping patterns whose literals the text lacks. */
export function listedIpFor(provider: Provider, text: string): string | null {
  const patterns = LISTED_IP_FOR.get(provider)!;
  const filters = LISTED_IP_FILTERS.get(provider)!;
  const hits = LITERALS.hits(text);
  for (let i = 0; i < patterns.length; i++) {
    if (!mayMatch(filters[i], hits)) continue;
    const ip = listedIpOf([patterns[i]], text);
    if (ip) return ip;
  }
  return null;
}

export { blocklists, generic, orangeLaPoste };

// What a receiver file declares: its rule table and the brands it answers for. The registry (index.ts) lists
// receivers; provider names, host and text tables and report colours are all derived from these declarations.
import type { RuleTable } from './rule.ts';

/** One brand a receiver answers for; several brands may share one rule table (GMX, WEB.DE, IONOS). */
export interface Brand<P extends string = string> {
  /** provider name stored in ClickHouse (lower case, stable: renaming it splits history). */
  provider: P;
  /** host and domain names, as alternatives; `.*` stands for a public suffix (".de", ".co.uk"). */
  hosts: string;
  /** the receiver's own words, when neither the MX nor the recipient domain names it. */
  texts: RegExp;
  /** a front end or code only this receiver writes: it names who refused before the recipient domain does. */
  refuses?: RegExp;
  /** display colour in the report (CSS hex). */
  colour: `#${string}`;
}

export interface Receiver<P extends string = string> {
  table: RuleTable;
  brands: readonly Brand<P>[];
}

/** Keeps the brand names as literal types, so the registry can derive the Provider union from them. */
export function receiver<const P extends string>(r: Receiver<P>): Receiver<P> {
  return r;
}

// Literal prefilters (pattern-table.ts): the literals read off a pattern must occur in every text it matches, the
// automaton must find exactly the literals a plain search finds, and the prefiltered lookups must answer as the plain
// loops do. Texts are made from the rule tables' own words, so the patterns match often.
import test from 'ava';
import {
  LITERALS,
  mayMatch,
  PatternTable,
  requiredClauses,
  requiredLiterals,
} from '../../../transform/pattern-table.ts';
import { findRule, ruleMatches, type Rule, type RuleTable, type Subject } from '../../../transform/rhost/rule.ts';
import {
  generic,
  listedIpFor,
  listedIpPatternsFor,
  PROVIDERS,
  RECEIVERS,
  tablesFor,
} from '../../../transform/rhost/index.ts';
import { listedIpOf } from '../../../transform/rhost/rule.ts';
import type { Brand } from '../../../transform/rhost/receiver.ts';

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

test('requiredLiterals: words every match holds, ASCII letters lower-cased', (t) => {
  t.deepEqual(requiredLiterals(/mailbox (?:is )?full/i), ['mailbox ']);
  t.deepEqual(requiredLiterals(/user ?unknown|No Such User/i), ['unknown', 'no such user']);
  t.deepEqual(requiredLiterals(/\bA?S31[45]0\b/), ['s31']);
  t.deepEqual(requiredLiterals(/(?:is|has been|currently) suspended/i), [' suspended']);
  t.deepEqual(requiredLiterals(/banned sender\s*\[/i), ['banned sender']);
  t.deepEqual(requiredLiterals(/(?<![\d.])x\.y(?=z)q/), ['x.yq'], 'assertions keep their neighbours adjacent');
  t.deepEqual(requiredLiterals(/(?:ab)+cd|e{2,}fg/), ['ab', 'fg']);
  t.deepEqual(requiredLiterals(/ディレクトリ(?:には)?/i), ['ディレクトリ']);
  // each construct on its own: what may be absent (?, *, {0,n}) gives nothing, whatever its length
  t.deepEqual(requiredLiterals(/ab(?:a much longer optional part)?cd/), ['ab']);
  t.deepEqual(requiredLiterals(/xy(?:long optional run)*z|pq(?:long optional run){0,3}/), ['xy', 'pq']);
  t.deepEqual(requiredLiterals(/xy(?:long required run){1,3}z/), ['long required run']);
  t.deepEqual(requiredLiterals(/ab.cd[ef]gh\dijk\sLMNO/), ['lmno'], 'classes end runs; the longest run is kept');
  t.deepEqual(requiredLiterals(/(?<name>abc)(?:de|fgh)/), ['abc']);
  t.deepEqual(requiredLiterals(/a\.b\/c\(d/), ['a.b/c(d']);
  t.deepEqual(requiredLiterals(/abc{2}xyz/), ['xyz']);
  t.deepEqual(requiredLiterals(/abc{,2}de/), ['abc{,2}de'], 'Annex B: a brace that is no quantifier is itself');
  t.deepEqual(requiredLiterals(/a+?bcd/), ['bcd']);
});

test('requiredLiterals: null when some alternative guarantees nothing or the source is not understood', (t) => {
  t.is(requiredLiterals(/^\s*(\S+)/), null);
  t.is(requiredLiterals(/abc|\d+/), null);
  t.is(requiredLiterals(/(a)bc\1/), null, 'backreference');
  t.is(requiredLiterals(/abc/u), null, 'unicode mode');
  t.is(requiredLiterals(/abc/g), null, 'a skipped test() of a global pattern would change its lastIndex');
  t.is(requiredLiterals(/a?b?/), null);
  t.is(requiredLiterals(/é+x/i), null, 'a cased non-ASCII letter under i is not a literal the scanner folds');
});

const TABLES: RuleTable[] = [...new Set(PROVIDERS.flatMap((p) => tablesFor(p)))];
const BRANDS = RECEIVERS.flatMap((r): Brand[] => [...r.brands]);
const PATTERNS: RegExp[] = [
  ...TABLES.flatMap((table) => table.rules.flatMap((r) => (r.match ? [r.match] : []))),
  ...TABLES.flatMap((table) => table.listedIp),
  ...BRANDS.flatMap((b) => (b.refuses ? [b.texts, b.refuses] : [b.texts])),
];

/** Pieces of text: each alternative of each pattern with the regex syntax dropped, plus IPs, codes and filler. */
const PIECES: string[] = [
  ...new Set(
    PATTERNS.flatMap((p) =>
      p.source.split('|').map((alt) =>
        alt
          .replace(/\\[sd]\S?[*+?]?|\{\d+(?:,\d*)?\}|\(\?[:=!<]*|[()^$?*+]|\\b/g, '')
          .replace(/\[([^\]])[^\]]*\]/g, '$1')
          .replace(/\\(.)/g, '$1'),
      ),
    ),
  ),
  '198.51.100.7',
  '[2001:db8::7]',
  '550 5.7.1',
  '(S3150)',
  'AS(3130)',
  'OFR_102',
  'LPN105_104',
  'ディレクトリには見つかりません',
  'İstanbul',
  ' ',
  '. ',
  '\n',
];

/** A small deterministic generator (tests must not depend on Math.random). */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s % n;
  };
}

function texts(count: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let text = '';
    for (let n = 1 + r(5); n > 0; n--) {
      let piece = PIECES[r(PIECES.length)];
      if (r(3) === 0) piece = piece.toUpperCase();
      else if (r(4) === 0) piece = [...piece].map((c) => (r(2) ? c.toUpperCase() : c)).join('');
      if (r(5) === 0) piece = piece.slice(r(Math.max(1, piece.length)));
      text += (r(3) === 0 ? ' ' : '') + piece;
    }
    out.push(text);
  }
  return out;
}

const TEXTS = texts(4000, 7);

test('every text a table pattern matches holds one of its literals', (t) => {
  const lowered = TEXTS.map(asciiLower);
  let matched = 0;
  for (const p of PATTERNS) {
    const literals = requiredLiterals(p);
    if (!literals) continue;
    TEXTS.forEach((text, k) => {
      if (!p.test(text)) return;
      matched++;
      if (!literals.some((l) => lowered[k].includes(l))) t.fail(`${String(p)} matches ${JSON.stringify(text)}`);
    });
  }
  t.true(matched > 2000, `the texts match the patterns often enough (${matched})`);
});

test('every text a table pattern matches satisfies every clause of one of its alternatives', (t) => {
  const lowered = TEXTS.map(asciiLower);
  for (const p of PATTERNS) {
    const branches = requiredClauses(p);
    if (!branches) continue;
    TEXTS.forEach((text, k) => {
      if (!p.test(text)) return;
      const held = branches.some((clauses) => clauses.every((c) => c.some((l) => lowered[k].includes(l))));
      if (!held) t.fail(`${String(p)} matches ${JSON.stringify(text)}`);
    });
  }
  t.deepEqual(requiredClauses(/sender (?:address )?rejected|domain of sender/i), [
    [['sender '], ['rejected']],
    [['domain of sender']],
  ]);
});

test('the automaton finds what a plain search finds', (t) => {
  const patterns = PATTERNS.filter((p) => requiredClauses(p));
  const clauses = patterns.map((p) => requiredClauses(p)!);
  const filters = LITERALS.filtersFor(patterns);
  for (const text of TEXTS) {
    const lowered = asciiLower(text);
    const hits = LITERALS.hits(text);
    patterns.forEach((p, i) => {
      const plain = clauses[i].some((branch) => branch.every((c) => c.some((l) => lowered.includes(l))));
      if (mayMatch(filters[i], hits) !== plain) t.fail(`${String(p)} on ${JSON.stringify(text)}`);
    });
  }
  t.pass();
});

function subject(text: string, r: (n: number) => number): Subject {
  const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)];
  return {
    text,
    status: pick(['', '5.1.1', '5.7.1', '4.7.650', '5.2.2', '5.7.606', '4.4.7', '5.0.0', '5.4.1', '5.1.10']),
    reply: pick(['', '550', '421', '554', '524']),
    command: pick(['', 'RCPT', 'MAIL', 'DATA', 'CONN', 'STARTTLS']),
    action: pick(['failed', 'delayed']),
    domain: pick(['example.org', 'googlegroups.com', 'hotmail.com']),
  };
}

test('findRule, PatternTable and listedIpFor answer as the plain loops', (t) => {
  const r = rng(11);
  const plainFind = (table: RuleTable, s: Subject): Rule | undefined =>
    table.rules.find((rule) => ruleMatches(rule, s));
  const textTable = new PatternTable<string>(
    BRANDS.map((b) => [b.provider, b.texts]),
    true,
  );
  for (const text of TEXTS) {
    const s = subject(text, r);
    for (const table of TABLES) if (findRule(table, s) !== plainFind(table, s)) t.fail(`${table.name} on ${text}`);
    const plainText = BRANDS.find((b) => b.texts.test(text))?.provider;
    if (textTable.first(text) !== plainText) t.fail(`brand texts on ${text}`);
    for (const provider of PROVIDERS) {
      if (listedIpFor(provider, text) !== listedIpOf(listedIpPatternsFor(provider), text)) t.fail(`${provider} IP`);
    }
  }
  t.truthy(
    findRule(
      generic,
      subject('550 5.1.1 <x@example.org>: User unknown', () => 0),
    ),
  );
});

// Rows of (value, pattern) where the first row whose pattern matches wins, with a prefilter tried first: one combined
// alternation (short names such as hosts: a name that no row matches costs one regex run, not one per row), or the
// literal prefilters below (texts). The answer is always the plain loop's.
//
// Literal prefilters: most rows of a text table are alternations of words ("mailbox full|over quota|..."); every
// match of such a pattern contains one of a few literals. requiredLiterals reads them off the pattern's source, and
// one pass of a keyword automaton over the text (LiteralIndex) says which rows can match at all, so a row none of
// whose literals occurs is skipped without running its regex. Only a skip is decided by the literals; a row that
// may match is still decided by its own regex, so the answer stays the plain loop's.

/** Patterns that can share one alternation: the same flags, no g/y state, no backreference numbers to shift. */
export function combinable(patterns: readonly RegExp[]): boolean {
  const flags = patterns[0]?.flags;
  return (
    patterns.length > 1 &&
    patterns.every((p) => p.flags === flags && !p.global && !p.sticky && !/\\[1-9k]/.test(p.source))
  );
}

/** One regex that matches exactly where some pattern matches; null when they cannot be combined. */
export function anyOf(patterns: readonly RegExp[]): RegExp | null {
  return combinable(patterns) ? new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), patterns[0].flags) : null;
}

export class PatternTable<T> {
  private readonly any: RegExp | null;
  private readonly filters: Array<Int32Array | null> | null;

  /** literals: prefilter rows by their literals (texts) instead of one alternation (short names such as hosts). */
  constructor(
    private readonly rows: ReadonlyArray<readonly [T, RegExp]>,
    literals = false,
  ) {
    this.any = literals ? null : anyOf(rows.map(([, p]) => p));
    this.filters = literals ? LITERALS.filtersFor(rows.map(([, p]) => p)) : null;
  }

  /** The first row's value whose pattern matches text, or undefined. */
  first(text: string): T | undefined {
    if (this.filters) {
      const hits = LITERALS.hits(text);
      for (let i = 0; i < this.rows.length; i++) {
        if (mayMatch(this.filters[i], hits) && this.rows[i][1].test(text)) return this.rows[i][0];
      }
      return undefined;
    }
    if (this.any && !this.any.test(text)) return undefined;
    for (const [value, pattern] of this.rows) if (pattern.test(text)) return value;
    return undefined;
  }
}

// ---- required literals -------------------------------------------------------------------------------------------

/** Shorter literals say too little (and hit too often) to be worth a slot. */
const MIN_LITERAL = 2;

/** What a piece of a pattern guarantees: `exact` when it always matches that one string; else `clauses`, each a set
 *  of literals one of which every match contains (all clauses hold). `empty`: it matches only the empty string. */
interface Piece {
  exact: string | null;
  clauses: string[][];
  empty: boolean;
}

const OTHER: Piece = { exact: null, clauses: [], empty: false };
const EMPTY: Piece = { exact: '', clauses: [], empty: true };

class Unsupported extends Error {}

/** ASCII upper case to lower case (what the scanner does to the text); other characters unchanged. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** The pattern's top-level alternatives as pieces; null when the source uses something this reader does not know. */
function alternativesOf(pattern: RegExp): Piece[] | null {
  if (/[guvy]/.test(pattern.flags)) return null; // g/y: a skipped test() would leave lastIndex where it was
  try {
    const reader = new SourceReader(pattern.source, pattern.flags.includes('i'));
    const branches = reader.branches();
    return reader.pos === pattern.source.length ? branches : null;
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/** A piece's clauses, its exact string counted as one. */
function clausesOf(piece: Piece): string[][] {
  if (piece.exact === null) return piece.clauses;
  return piece.exact.length >= MIN_LITERAL ? [[piece.exact]] : [];
}

/** Literals, ASCII letters lower-cased, one of which occurs in every string the pattern matches; null when the
 *  pattern's source uses something this reader does not know, or some alternative has no literal long enough. */
export function requiredLiterals(pattern: RegExp): string[] | null {
  const branches = alternativesOf(pattern);
  if (!branches) return null;
  const union: string[] = [];
  for (const b of branches) {
    const need = best(clausesOf(b));
    if (!need) return null;
    union.push(...need);
  }
  return [...new Set(union)];
}

/**
 * Per top-level alternative, the clauses every match of it satisfies (a clause: literals one of which occurs): a text
 * the pattern matches satisfies every clause of some alternative. Finer than requiredLiterals ("message " and one of
 * "too big", "too large" rather than "message " alone). null as for requiredLiterals.
 */
export function requiredClauses(pattern: RegExp): string[][][] | null {
  const branches = alternativesOf(pattern);
  if (!branches) return null;
  const out: string[][][] = [];
  for (const b of branches) {
    const clauses = clausesOf(b).map((c) => [...new Set(c)]);
    if (clauses.length === 0) return null;
    out.push(clauses);
  }
  return out;
}

/** The best of several requirements that all hold: the one whose shortest literal is longest (the first on a tie). */
function best(needs: readonly string[][]): string[] | null {
  let chosen: string[] | null = null;
  let chosenMin = 0;
  for (const need of needs) {
    const min = Math.min(...need.map((l) => l.length));
    if (min >= MIN_LITERAL && (chosen === null || min > chosenMin)) {
      chosen = need;
      chosenMin = min;
    }
  }
  return chosen;
}

/** A reader of the RegExp source subset the rule tables use (no u/v flag): Annex B literals, groups, classes. */
class SourceReader {
  pos = 0;

  constructor(
    private readonly src: string,
    private readonly caseless: boolean,
  ) {}

  /** The alternatives up to the next ")" or the end. */
  branches(): Piece[] {
    const branches = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    return branches;
  }

  /** A group's alternatives as one piece: each alternative's best clause, joined into one clause. */
  private alternation(): Piece {
    const branches = this.branches();
    if (branches.length === 1) return branches[0];
    const union: string[] = [];
    for (const b of branches) {
      const need = best(clausesOf(b));
      if (!need) return OTHER;
      union.push(...need);
    }
    return { exact: null, clauses: [union], empty: false };
  }

  private sequence(): Piece {
    let run = '';
    let allExact = true;
    let allEmpty = true;
    const clauses: string[][] = [];
    const endRun = (): void => {
      if (run.length >= MIN_LITERAL) clauses.push([run]);
      run = '';
    };
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const atom = this.atom();
      const q = this.quantifier();
      if (q === null) {
        if (atom.empty) continue; // an assertion takes no characters: its neighbours stay adjacent
        allEmpty = false;
        if (atom.exact !== null) {
          run += atom.exact;
          continue;
        }
        allExact = false;
        endRun();
        clauses.push(...atom.clauses);
        continue;
      }
      allExact = false;
      endRun();
      if (q.min === 0 || atom.empty) continue;
      allEmpty = false;
      clauses.push(...clausesOf(atom));
    }
    if (allExact) return allEmpty && run === '' ? EMPTY : { exact: run, clauses: [], empty: false };
    endRun();
    return { exact: null, clauses, empty: false };
  }

  /** ?, *, +, {n}, {n,}, {n,m} and a lazy ? after them; null when none follows. */
  private quantifier(): { min: number } | null {
    const c = this.src[this.pos];
    let min: number;
    if (c === '?' || c === '*') min = 0;
    else if (c === '+') min = 1;
    else if (c === '{') {
      const m = /^\{(\d+)(?:,\d*)?\}/.exec(this.src.slice(this.pos));
      if (!m) return null; // a literal brace (Annex B)
      min = Number(m[1]);
      this.pos += m[0].length - 1;
    } else return null;
    this.pos++;
    if (this.src[this.pos] === '?') this.pos++;
    return { min };
  }

  private atom(): Piece {
    const c = this.src[this.pos++];
    switch (c) {
      case '^':
      case '$':
        return EMPTY;
      case '.':
        return OTHER;
      case '[':
        this.skipClass();
        return OTHER;
      case '(':
        return this.group();
      case '*':
      case '+':
      case '?':
        throw new Unsupported();
      case '\\':
        return this.escape();
      default:
        return this.char(c);
    }
  }

  private group(): Piece {
    let zeroWidth = false;
    if (this.src.startsWith('?:', this.pos)) this.pos += 2;
    else if (this.src.startsWith('?=', this.pos) || this.src.startsWith('?!', this.pos)) {
      this.pos += 2;
      zeroWidth = true;
    } else if (this.src.startsWith('?<=', this.pos) || this.src.startsWith('?<!', this.pos)) {
      this.pos += 3;
      zeroWidth = true;
    } else if (this.src.startsWith('?<', this.pos)) {
      const close = this.src.indexOf('>', this.pos);
      if (close < 0) throw new Unsupported();
      this.pos = close + 1;
    } else if (this.src[this.pos] === '?') throw new Unsupported(); // modifiers and the like
    const inner = this.alternation();
    if (this.src[this.pos] !== ')') throw new Unsupported();
    this.pos++;
    return zeroWidth ? EMPTY : inner;
  }

  private skipClass(): void {
    if (this.src[this.pos] === '^') this.pos++;
    if (this.src[this.pos] === ']') this.pos++; // "[]" / "[^]" end here too, but a bare ] first is never a member
    while (this.pos < this.src.length && this.src[this.pos] !== ']') {
      if (this.src[this.pos] === '\\') this.pos++;
      this.pos++;
    }
    if (this.pos >= this.src.length) throw new Unsupported();
    this.pos++;
  }

  private escape(): Piece {
    const e = this.src[this.pos++];
    if (e === undefined) throw new Unsupported();
    if (e === 'b' || e === 'B') return EMPTY;
    if (e === 'n') return this.char('\n');
    if (e === 't') return this.char('\t');
    if (e === 'r') return this.char('\r');
    if (/[1-9k]/.test(e)) throw new Unsupported(); // a backreference matches what its group did
    if (/[A-Za-z0-9]/.test(e)) return OTHER; // classes (\d \s \w ...), \xHH, \uHHHH, \cX, \0: not read as literals
    return this.char(e); // an escaped punctuation character is itself
  }

  private char(c: string): Piece {
    const code = c.charCodeAt(0);
    if (code < 0x80) return { exact: asciiLower(c), clauses: [], empty: false };
    // with the i flag a non-ASCII letter also matches its other case, which the scanner does not fold; characters
    // without case (CJK, kana) are themselves
    if (this.caseless && !(code >= 0x3000 && code <= 0x9fff)) return OTHER;
    return { exact: c, clauses: [], empty: false };
  }
}

// ---- the keyword automaton ----------------------------------------------------------------------------------------

/**
 * Aho-Corasick over literal sets: slot i is hit when the text (ASCII letters folded to lower case) contains one of
 * slot i's literals. One pass over the text answers for every slot.
 */
class LiteralScanner {
  /** UTF-16 unit → alphabet index (0: a unit no literal has, which always leads back to the root). */
  private readonly classOf = new Uint16Array(0x10000);
  private readonly width: number;
  private readonly delta: Uint16Array | Int32Array;
  private readonly out: Array<readonly number[] | null>;

  constructor(private readonly sets: readonly (readonly string[])[]) {
    const codeOfClass = [0];
    for (const set of sets)
      for (const lit of set)
        for (let i = 0; i < lit.length; i++) {
          const code = lit.charCodeAt(i);
          if (this.classOf[code] === 0) this.classOf[code] = codeOfClass.push(code) - 1;
        }
    const width = codeOfClass.length;
    for (let code = 0x41; code <= 0x5a; code++) this.classOf[code] = this.classOf[code + 32]; // literals are lower case
    this.width = width;
    // the trie, written straight into the transition table (0: no edge; the root is never a child); every literal
    // character may open a state, so their count bounds the table. Typed arrays, not Maps: this runs once per
    // process, before V8 has optimised anything, and Maps made it cost 60-80 ms there
    let bound = 1;
    for (const set of sets) for (const lit of set) bound += lit.length;
    const delta = bound < 0x10000 ? new Uint16Array(bound * width) : new Int32Array(bound * width);
    const outs: number[][] = [[]];
    /** per state, its trie edges as (class, child) pairs */
    const kids: number[][] = [[]];
    sets.forEach((set, slot) => {
      for (const lit of set) {
        let node = 0;
        for (let i = 0; i < lit.length; i++) {
          const cls = this.classOf[lit.charCodeAt(i)];
          const at = node * width + cls;
          if (delta[at] === 0) {
            delta[at] = outs.length;
            kids[node].push(cls, outs.length);
            outs.push([]);
            kids.push([]);
          }
          node = delta[at];
        }
        if (!outs[node].includes(slot)) outs[node].push(slot);
      }
    });
    // breadth first: a state's failure target is nearer the root, so its row is complete when the state's row is
    // made: a copy of the failure target's row (a missing edge leads where the target's does; the root's rows stay
    // 0, to the root) with the state's own trie edges written over it
    const fail = new Int32Array(outs.length);
    const order: number[] = [0];
    for (let k = 0; k < order.length; k++) {
      const node = order[k];
      const row = node * width;
      const failRow = fail[node] * width;
      if (node !== 0) delta.copyWithin(row, failRow, failRow + width);
      const edges = kids[node];
      for (let e = 0; e < edges.length; e += 2) {
        const cls = edges[e];
        const child = edges[e + 1];
        delta[row + cls] = child;
        order.push(child);
        fail[child] = node === 0 ? 0 : delta[failRow + cls];
        for (const slot of outs[fail[child]]) if (!outs[child].includes(slot)) outs[child].push(slot);
      }
    }
    this.delta = delta;
    this.out = outs.map((o) => (o.length > 0 ? o : null));
  }

  /** Per slot 1 when one of its literals occurs in text, else 0, written into hits. */
  scan(text: string, hits: Uint8Array): void {
    hits.fill(0);
    const { classOf, delta, width, out } = this;
    let state = 0;
    // one table step per unit, no branch on the kind of character: a call for the rare wide one cost twice the time
    for (let i = 0; i < text.length; i++) {
      state = delta[state * width + classOf[text.charCodeAt(i)]];
      const o = out[state];
      if (o !== null) for (let k = 0; k < o.length; k++) hits[o[k]] = 1;
    }
  }
}

/** One automaton for every literal prefilter, so a text is scanned once whichever tables look at it. */
class LiteralIndex {
  private readonly sets: string[][] = [];
  private readonly slotOf = new Map<string, number>();
  private scanner: LiteralScanner | null = null;
  private lastText: string | null = null;
  /** One array for every answer: a new typed array per text costs more than the scan. */
  private lastHits: Uint8Array = new Uint8Array(0);

  /**
   * Per pattern, its prefilter (requiredClauses as slots: per alternative its clause count, then its clause slots;
   * slots shared by equal clauses), or null for a pattern without one, which must always be tried.
   */
  filtersFor(patterns: readonly (RegExp | undefined)[]): Array<Int32Array | null> {
    return patterns.map((p) => {
      const branches = p ? requiredClauses(p) : null;
      if (!branches) return null;
      const filter: number[] = [];
      for (const clauses of branches) filter.push(clauses.length, ...clauses.map((c) => this.slotOfClause(c)));
      return Int32Array.from(filter);
    });
  }

  private slotOfClause(literals: string[]): number {
    const key = literals.join('\u0000');
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      slot = this.sets.length;
      this.sets.push(literals);
      this.slotOf.set(key, slot);
      this.scanner = null;
      this.lastText = null;
    }
    return slot;
  }

  /**
   * Which slots' literals occur in text (the last text's answer is kept: one recipient asks several tables). The
   * array is valid until hits is asked about another text: read it before the next call.
   */
  hits(text: string): Uint8Array {
    if (text === this.lastText) return this.lastHits;
    if (this.scanner === null) {
      this.scanner = new LiteralScanner(this.sets);
      this.lastHits = new Uint8Array(this.sets.length);
    }
    this.scanner.scan(text, this.lastHits);
    this.lastText = text;
    return this.lastHits;
  }
}

export const LITERALS = new LiteralIndex();

/** Whether a text with these hits can match the filter's pattern: every clause of some alternative is hit. */
export function mayMatch(filter: Int32Array | null, hits: Uint8Array): boolean {
  if (filter === null) return true;
  for (let i = 0; i < filter.length;) {
    const end = i + 1 + filter[i];
    let all = true;
    for (let k = i + 1; k < end; k++) {
      if (hits[filter[k]] !== 1) {
        all = false;
        break;
      }
    }
    if (all) return true;
    i = end;
  }
  return false;
}

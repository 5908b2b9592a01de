// Rows of (value, pattern) where the first row whose pattern matches wins, with one combined alternation tried
// first: a text that no row matches (the common case for host tables and prefilters) costs one regex run, not one
// per row. The answer is always the plain loop's.

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

  constructor(private readonly rows: ReadonlyArray<readonly [T, RegExp]>) {
    this.any = anyOf(rows.map(([, p]) => p));
  }

  /** The first row's value whose pattern matches text, or undefined. */
  first(text: string): T | undefined {
    if (this.any && !this.any.test(text)) return undefined;
    for (const [value, pattern] of this.rows) if (pattern.test(text)) return value;
    return undefined;
  }
}

// The run's accounting: read = stored (by message) + dead-lettered + skipped, printed the same way by every command.
import type { Tally } from './sink.ts';
import { sum } from './sink.ts';

const detail = (counts: Record<string, number>): string => {
  const parts = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${v}`);
  return parts.length ? ` (${parts.join(',')})` : '';
};

export function balanced(t: Tally): boolean {
  return t.read === t.stored + sum(t.deadLettered) + sum(t.skipped);
}

/** Stored events the pipeline changed (clamped dates, cut strings): shown when there are any, not part of the balance. */
const adjustedText = (t: Tally): string => {
  const n = sum(t.adjusted ?? {});
  return n > 0 ? ` adjusted=${n}${detail(t.adjusted)}` : '';
};

/** One line, key=value, parseable by scripts and tests. */
export function accountingLine(prefix: string, t: Tally, extra: Record<string, string | number> = {}): string {
  const more = Object.entries(extra)
    .map(([k, v]) => ` ${k}=${v}`)
    .join('');
  return (
    `${prefix} read=${t.read} stored=${t.stored} events=${t.events}` +
    ` dead_lettered=${sum(t.deadLettered)}${detail(t.deadLettered)} skipped=${sum(t.skipped)}${detail(t.skipped)}` +
    `${adjustedText(t)}${more} balanced=${balanced(t) ? 'yes' : 'NO'}`
  );
}

/** Parses accountingLine back (tests, bench). */
export function parseAccounting(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of line.matchAll(/(\w+)=(\d+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

export function timestamped(line: string): string {
  return `${new Date().toISOString()} ${line}`;
}

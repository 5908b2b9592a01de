// Rows → text for the terminal (table), spreadsheets (csv) or programs (json). Shared by query, sql, report and start.
import { stringify } from 'csv-stringify/sync';

export type OutputFormat = 'table' | 'csv' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json'];

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/** `columns` fixes the order (and the csv/table header when there are no rows); default: keys in first-seen order. */
export function formatRows(rows: Record<string, unknown>[], format: OutputFormat, columns?: string[]): string {
  const cols = columns ?? columnsOf(rows);
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') {
    return stringify([cols, ...rows.map((r) => cols.map((c) => cell(r[c])))]);
  }
  return table(cols, rows);
}

function columnsOf(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cell).join(',');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects, arrays and dates are handled above
  return String(v);
}

function table(cols: string[], rows: Record<string, unknown>[]): string {
  if (cols.length === 0) return '(no rows)\n';
  const cells = rows.map((r) => cols.map((c) => cell(r[c]).replace(/[\r\n\t]+/g, ' ')));
  const numeric = cols.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(width[i]) : v.padEnd(width[i])))
      .join('  ')
      .trimEnd();
  const out = [line(cols), width.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  if (rows.length === 0) out.push('(no rows)');
  return `${out.join('\n')}\n`;
}

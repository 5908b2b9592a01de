// `parse --format table`: aligned columns a person can read in a terminal.
import type { BounceEvent } from '../../transform/bounce-event.ts';

type Row = BounceEvent & { source_file: string };

export const TABLE_COLUMNS = [
  'file',
  'recipient',
  'status',
  'reason',
  'category',
  'provider',
  'ms_code',
  'sending_ip',
  'listed_ip',
] as const;
const MAX_WIDTH = 40;

export function formatTable(rows: Row[]): string {
  const cells = rows.map((r) =>
    [
      r.source_file,
      r.recipient,
      r.status || '-',
      r.reason,
      r.category,
      r.provider,
      r.ms_code || '-',
      r.sending_ip || '-',
      r.listed_ip ?? '-',
    ].map(clip),
  );
  const header = TABLE_COLUMNS.map((c) => c.toUpperCase());
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}

/** Long paths keep their end (the file name), long addresses their start. */
function clip(s: string): string {
  if (s.length <= MAX_WIDTH) return s;
  return s.includes('/') ? '…' + s.slice(-(MAX_WIDTH - 1)) : s.slice(0, MAX_WIDTH - 1) + '…';
}

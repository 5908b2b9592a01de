// CSV for machines: one file per section (report-2026-W48-<section>.csv), a header row, RFC 4180 quoting.
// Lists (codes) are joined with a comma inside one quoted cell; booleans true/false; times ISO 8601 UTC; numbers plain.
// The quoting and cell rules are queries/format.ts's, shared with `query --format csv`.
import { formatRows } from '../format.ts';
import { SECTIONS, sectionRows, type SectionId, type WeeklyReport } from './model.ts';

/** Column order per section (also used when a section has no rows, so the header is always there). */
export const CSV_COLUMNS: Record<SectionId, string[]> = {
  totals: ['metric', 'label', 'this_week', 'previous_week', 'change_pct'],
  'blocklist-by-provider': ['provider', 'rejections', 'previous_rejections', 'change_pct', 'listed_ips', 'codes'],
  'listed-ips': [
    'sending_ip',
    'sending_prefix',
    'provider',
    'first_seen',
    'last_seen',
    'rejections',
    'rejections_week',
    'codes',
    'still_active',
    'new_this_week',
    'ended_this_week',
  ],
  'new-listings': [
    'sending_ip',
    'sending_prefix',
    'provider',
    'first_seen',
    'last_seen',
    'rejections',
    'rejections_week',
    'codes',
    'still_active',
    'new_this_week',
    'ended_this_week',
  ],
  'ended-listings': [
    'sending_ip',
    'sending_prefix',
    'provider',
    'first_seen',
    'last_seen',
    'rejections',
    'rejections_week',
    'codes',
    'still_active',
    'new_this_week',
    'ended_this_week',
  ],
  'fleet-spread': ['day', 'active_ips', 'listed_ips', 'share'],
  daily: ['day', 'bounces', 'blocklist', 'reputation', 'other', 'delayed'],
  'accounts-before-listing': ['account', 'events', 'listings', 'ips'],
  'top-reasons': ['reason', 'category', 'bounces', 'previous_bounces', 'change_pct', 'share'],
};

export interface CsvFile {
  section: SectionId;
  /** file name suffix: report-<week>-<section>.csv */
  fileName: string;
  content: string;
}

export function renderCsv(report: WeeklyReport): CsvFile[] {
  return SECTIONS.map(({ id }) => {
    const content = formatRows(sectionRows(report, id), 'csv', CSV_COLUMNS[id]);
    return { section: id, fileName: `report-${report.week.label}-${id}.csv`, content };
  });
}

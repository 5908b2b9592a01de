// The weekly deliverability report as data. Built by weekly.ts, rendered by render-*.ts (pure functions of it).

export interface WeekRef {
  /** e.g. 2026-W48 */
  label: string;
  /** ISO 8601 UTC, Monday 00:00 (inclusive) */
  start: string;
  /** ISO 8601 UTC, next Monday 00:00 (exclusive) */
  end: string;
}

export interface TotalRow {
  metric: string;
  label: string;
  this_week: number;
  previous_week: number;
  /** percent change against the week before; null when the week before had none */
  change_pct: number | null;
}

export interface ProviderRow {
  provider: string;
  rejections: number;
  previous_rejections: number;
  change_pct: number | null;
  listed_ips: number;
  codes: string[];
}

export interface ListedIp {
  sending_ip: string;
  sending_prefix: string;
  provider: string;
  /** ISO 8601 UTC */
  first_seen: string;
  last_seen: string;
  /** rejections of the whole episode (up to the end of the week) */
  rejections: number;
  rejections_week: number;
  codes: string[];
  still_active: boolean;
  new_this_week: boolean;
  ended_this_week: boolean;
}

export interface FleetDay {
  /** YYYY-MM-DD */
  day: string;
  active_ips: number;
  listed_ips: number;
  /** listed / active, 0..1 */
  share: number;
}

export interface DailyRow {
  day: string;
  bounces: number;
  blocklist: number;
  reputation: number;
  other: number;
  delayed: number;
}

export interface AccountRow {
  account: string;
  events: number;
  listings: number;
  ips: number;
}

export interface ReasonRow {
  reason: string;
  category: string;
  bounces: number;
  previous_bounces: number;
  change_pct: number | null;
  /** share of this week's bounces, 0..1 */
  share: number;
}

export interface WeeklyReport {
  kind: 'weekly-deliverability-report';
  version: 1;
  week: WeekRef;
  previousWeek: WeekRef;
  /** ISO 8601 UTC */
  generatedAt: string;
  episodeGapHours: number;
  totals: TotalRow[];
  blocklistByProvider: ProviderRow[];
  /** block-list episodes that overlap the week (each is either still active or ended this week) */
  listedIps: ListedIp[];
  newListings: ListedIp[];
  endedListings: ListedIp[];
  fleetSpread: FleetDay[];
  daily: DailyRow[];
  accountsBeforeListing: AccountRow[];
  topReasons: ReasonRow[];
}

/** The sections every renderer emits, in order; id doubles as CSV section name and HTML anchor. */
export const SECTIONS = [
  { id: 'totals', title: 'Totals' },
  { id: 'blocklist-by-provider', title: 'Block-list rejections by provider' },
  { id: 'listed-ips', title: 'Listed IPs' },
  { id: 'new-listings', title: 'Newly listed this week' },
  { id: 'ended-listings', title: 'Listings ended this week' },
  { id: 'fleet-spread', title: 'Fleet spread per day' },
  { id: 'daily', title: 'Bounces per day' },
  { id: 'accounts-before-listing', title: 'Top sending accounts before new listings' },
  { id: 'top-reasons', title: 'Top reasons' },
] as const;
export type SectionId = (typeof SECTIONS)[number]['id'];

/** Rows of one section, as plain records (CSV, Markdown and JSON tables share this). */
export function sectionRows(r: WeeklyReport, id: SectionId): Record<string, unknown>[] {
  const table: Record<SectionId, Record<string, unknown>[]> = {
    totals: r.totals.map((t) => ({ ...t })),
    'blocklist-by-provider': r.blocklistByProvider.map((p) => ({ ...p })),
    'listed-ips': r.listedIps.map((l) => ({ ...l })),
    'new-listings': r.newListings.map((l) => ({ ...l })),
    'ended-listings': r.endedListings.map((l) => ({ ...l })),
    'fleet-spread': r.fleetSpread.map((f) => ({ ...f })),
    daily: r.daily.map((d) => ({ ...d })),
    'accounts-before-listing': r.accountsBeforeListing.map((a) => ({ ...a })),
    'top-reasons': r.topReasons.map((t) => ({ ...t })),
  };
  return table[id];
}

export function changePct(now: number, before: number): number | null {
  if (before === 0) return null;
  return Math.round(((now - before) / before) * 1000) / 10;
}

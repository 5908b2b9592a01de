// Builds the WeeklyReport model for one ISO week from the named query fleet-spread (queries/named/) and the
// report's SQL (queries/report/sql/*.sql, typed params only). Listings and the accounts before them come from the
// store's one episode definition asked "as of" the week's end (v_listing_episodes_as_of, v_accounts_before_listing),
// so a past week's report is the same whenever it is built, and it agrees with the named queries and dashboards.
import fs from 'node:fs';
import type { Store } from '../client.ts';
import { runNamed } from '../named.ts';
import { shiftIsoWeek, utcDayOf, type IsoWeek } from './week.ts';
import {
  changePct,
  type AccountRow,
  type DailyRow,
  type FleetDay,
  type ListedIp,
  type ProviderRow,
  type ReasonRow,
  type TotalRow,
  type WeekRef,
  type WeeklyReport,
} from './model.ts';

export interface WeeklyOptions {
  week: IsoWeek;
  topAccounts?: number;
  topReasons?: number;
  /** stamped into the report; tests pass a fixed value */
  now?: Date;
}

type Row = Record<string, unknown>;
type Params = Record<string, number | string | number[] | string[]>;

const sqlCache = new Map<string, string>();
function reportSql(name: string): string {
  let text = sqlCache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');
    sqlCache.set(name, text);
  }
  return text;
}

export async function runReportSql(store: Store, name: string, params: Params): Promise<Row[]> {
  const rs = await store.client.query({ query: reportSql(name), query_params: params, format: 'JSONEachRow' });
  return rs.json<Row>();
}

/** Accounts before a listing: the bounces through its IP in this many hours before the first rejection. */
const LOOKBACK_HOURS = 24;

const sec = (d: Date) => Math.floor(d.getTime() / 1000);
const num = (v: unknown) => Number(v ?? 0);
const bool = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';
/** ClickHouse 'YYYY-MM-DD hh:mm:ss' (UTC columns) → ISO 8601 UTC */
const iso = (v: unknown) => `${String(v).replace(' ', 'T')}Z`;
const weekRef = (w: IsoWeek): WeekRef => ({ label: w.label, start: w.start.toISOString(), end: w.end.toISOString() });

export async function buildWeeklyReport(store: Store, opts: WeeklyOptions): Promise<WeeklyReport> {
  const week = opts.week;
  const prev = shiftIsoWeek(week, -1);
  const span = { prev_since: sec(prev.start), since: sec(week.start), until: sec(week.end) };
  const weekSpan = { since: span.since, until: span.until };

  // One after the other: each query already spreads over every core, and running them together measured no faster
  // on the embedded engine (2 cores, 10 M rows), only harder to read in a profile.
  const totalRows = await runReportSql(store, 'totals', span);
  const providerRows = await runReportSql(store, 'blocklist-by-provider', span);
  const [settings] = await runReportSql(store, 'episode-settings', {});
  const episodeRows = await runReportSql(store, 'listing-episodes', weekSpan);
  const fleetRows = await runNamed<Row>(store, 'fleet-spread', {
    since: week.start,
    until: week.end,
    category: 'ip_blocklist',
    provider: '',
  });
  const dailyRows = await runReportSql(store, 'daily', weekSpan);
  const reasonRows = await runReportSql(store, 'top-reasons', { ...span, top: opts.topReasons ?? 12 });

  const listedIps = episodeRows.map(toListedIp);
  const newListings = listedIps.filter((l) => l.new_this_week);
  const accountRows = await runReportSql(store, 'accounts-before-listing', {
    ...weekSpan,
    lookback_hours: LOOKBACK_HOURS,
    top: opts.topAccounts ?? 10,
  });
  const totals = toTotals(totalRows);
  const weekBounces = totals.find((t) => t.metric === 'bounces')?.this_week ?? 0;

  return {
    kind: 'weekly-deliverability-report',
    version: 1,
    week: weekRef(week),
    previousWeek: weekRef(prev),
    generatedAt: (opts.now ?? new Date()).toISOString(),
    episodeGapHours: num(settings?.gap_hours),
    totals,
    blocklistByProvider: providerRows.map((r): ProviderRow => ({
      provider: String(r.provider),
      rejections: num(r.rejections),
      previous_rejections: num(r.previous_rejections),
      change_pct: changePct(num(r.rejections), num(r.previous_rejections)),
      listed_ips: num(r.listed_ips),
      codes: (r.codes as string[]) ?? [],
    })),
    listedIps,
    newListings,
    endedListings: listedIps.filter((l) => l.ended_this_week),
    fleetSpread: fillDays(week, fleetRows).map((r): FleetDay => ({
      day: String(r.day),
      active_ips: num(r.active_ips),
      listed_ips: num(r.listed_ips),
      share: num(r.listed_share),
    })),
    daily: dailyRows.map((r): DailyRow => ({
      day: String(r.day),
      bounces: num(r.bounces),
      blocklist: num(r.blocklist),
      reputation: num(r.reputation),
      other: num(r.other),
      delayed: num(r.delayed),
    })),
    accountsBeforeListing: accountRows.map((r): AccountRow => ({
      account: String(r.account),
      events: num(r.events),
      listings: num(r.listings),
      ips: num(r.ips),
    })),
    topReasons: reasonRows.map((r): ReasonRow => ({
      reason: String(r.reason),
      category: String(r.category),
      bounces: num(r.week_bounces),
      previous_bounces: num(r.previous_bounces),
      change_pct: changePct(num(r.week_bounces), num(r.previous_bounces)),
      share: weekBounces ? num(r.week_bounces) / weekBounces : 0,
    })),
  };
}

const TOTAL_METRICS: { metric: string; label: string }[] = [
  { metric: 'bounces', label: 'Bounces (failed + delayed recipients)' },
  { metric: 'failed', label: 'Failed' },
  { metric: 'delayed', label: 'Delayed' },
  { metric: 'blocklist_rejections', label: 'Block-list rejections' },
  { metric: 'reputation_deferrals', label: 'Reputation / rate-limit deferrals' },
  { metric: 'listed_ips', label: 'Sending IPs with block-list rejections' },
  { metric: 'sending_ips', label: 'Sending IPs with any bounce' },
];

function toTotals(rows: Row[]): TotalRow[] {
  const get = (period: string) => rows.find((r) => r.period === period) ?? {};
  const now = get('this');
  const before = get('previous');
  return TOTAL_METRICS.map(({ metric, label }) => {
    const a = num(now[metric]);
    const b = num(before[metric]);
    return { metric, label, this_week: a, previous_week: b, change_pct: changePct(a, b) };
  });
}

/** One row per day of the week (days without any bounce come back as zeros). */
function fillDays(week: IsoWeek, rows: Row[]): Row[] {
  const byDay = new Map(rows.map((r) => [String(r.day), r]));
  return Array.from({ length: 7 }, (_, i) => {
    const day = utcDayOf(week.start, i);
    return byDay.get(day) ?? { day };
  });
}

function toListedIp(r: Row): ListedIp {
  return {
    sending_ip: String(r.sending_ip),
    sending_prefix: String(r.sending_prefix),
    provider: String(r.provider),
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
    rejections: num(r.rejections),
    rejections_week: num(r.rejections_week),
    codes: (r.codes as string[]) ?? [],
    still_active: bool(r.still_active),
    new_this_week: bool(r.new_this_week),
    ended_this_week: bool(r.ended_this_week),
  };
}

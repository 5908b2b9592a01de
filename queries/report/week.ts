// ISO 8601 weeks in UTC. Hand-rolled on purpose: date-fns' startOfISOWeek/getISOWeek work in the process's
// local time zone (UTC needs @date-fns/utc, which is not installed), and a report must not change with TZ.
import { ConfigError } from '../../transform/errors.ts';

const DAY_MS = 86_400_000;

export interface IsoWeek {
  /** e.g. 2026-W48 */
  label: string;
  year: number;
  week: number;
  /** Monday 00:00 UTC (inclusive) */
  start: Date;
  /** next Monday 00:00 UTC (exclusive) */
  end: Date;
}

function utcMidnight(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Monday 00:00 UTC of the ISO week containing d. */
export function startOfIsoWeekUtc(d: Date): Date {
  const day = (new Date(utcMidnight(d)).getUTCDay() + 6) % 7; // Monday = 0
  return new Date(utcMidnight(d) - day * DAY_MS);
}

/** The ISO week (year, number) containing d: the week's Thursday decides the year. */
export function isoWeekOf(d: Date): IsoWeek {
  const start = startOfIsoWeekUtc(d);
  const thursday = new Date(start.getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return make(year, week, start);
}

/** Parse `YYYY-Www` (e.g. 2026-W48). */
export function parseIsoWeek(text: string): IsoWeek {
  const m = /^(\d{4})-W(\d{2})$/.exec(text.trim());
  if (!m) throw new ConfigError(`--week must look like 2026-W48 (ISO year, "-W", two-digit week), got "${text}"`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  // ISO week 1 is the week with January 4th in it.
  const week1 = startOfIsoWeekUtc(new Date(Date.UTC(year, 0, 4)));
  const start = new Date(week1.getTime() + (week - 1) * 7 * DAY_MS);
  const check = isoWeekOf(start);
  if (week < 1 || check.year !== year || check.week !== week) {
    throw new ConfigError(`--week ${text}: ${year} has no ISO week ${week} (it has ${weeksInIsoYear(year)})`);
  }
  return check;
}

export function weeksInIsoYear(year: number): number {
  return isoWeekOf(new Date(Date.UTC(year, 11, 28))).week;
}

/** The last complete ISO week before `now` (UTC): the week before the one `now` is in. */
export function lastCompleteIsoWeek(now: Date): IsoWeek {
  return isoWeekOf(new Date(startOfIsoWeekUtc(now).getTime() - DAY_MS));
}

/** The week n weeks after w (negative: before). */
export function shiftIsoWeek(w: IsoWeek, n: number): IsoWeek {
  return isoWeekOf(new Date(w.start.getTime() + n * 7 * DAY_MS));
}

function make(year: number, week: number, start: Date): IsoWeek {
  return {
    label: `${year}-W${String(week).padStart(2, '0')}`,
    year, week, start, end: new Date(start.getTime() + 7 * DAY_MS),
  };
}

// ISO 8601 weeks in UTC, with date-fns on UTCDate (@date-fns/utc): a report must not change with the process's TZ.
import { UTCDate } from '@date-fns/utc';
import {
  addDays,
  addWeeks,
  formatISO,
  getISOWeek,
  getISOWeekYear,
  getISOWeeksInYear,
  startOfISOWeek,
  startOfISOWeekYear,
  subWeeks,
} from 'date-fns';
import { ConfigError } from '../../shared/errors.ts';

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

const utc = (d: Date | number) => new UTCDate(typeof d === 'number' ? d : d.getTime());
const plain = (d: Date) => new Date(d.getTime());

/** Monday 00:00 UTC of the ISO week containing d. */
export function startOfIsoWeekUtc(d: Date): Date {
  return plain(startOfISOWeek(utc(d)));
}

/** The ISO week (year, number) containing d: the week's Thursday decides the year. */
export function isoWeekOf(d: Date): IsoWeek {
  const day = utc(d);
  const year = getISOWeekYear(day);
  const week = getISOWeek(day);
  const start = startOfISOWeek(day);
  return {
    label: `${year}-W${String(week).padStart(2, '0')}`,
    year,
    week,
    start: plain(start),
    end: plain(addWeeks(start, 1)),
  };
}

/** Parse `YYYY-Www` (e.g. 2026-W48). */
export function parseIsoWeek(text: string): IsoWeek {
  const m = /^(\d{4})-W(\d{2})$/.exec(text.trim());
  if (!m) throw new ConfigError(`--week must look like 2026-W48 (ISO year, "-W", two-digit week), got "${text}"`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  const weeks = weeksInIsoYear(year);
  if (week < 1 || week > weeks)
    throw new ConfigError(`--week ${text}: ${year} has no ISO week ${week} (it has ${weeks})`);
  // ISO week 1 is the week with January 4th in it.
  return isoWeekOf(addWeeks(startOfISOWeekYear(new UTCDate(year, 0, 4)), week - 1));
}

export function weeksInIsoYear(year: number): number {
  return getISOWeeksInYear(new UTCDate(year, 0, 4));
}

/** The last complete ISO week before `now` (UTC): the week before the one `now` is in. */
export function lastCompleteIsoWeek(now: Date): IsoWeek {
  return isoWeekOf(subWeeks(utc(now), 1));
}

/** The week n weeks after w (negative: before). */
export function shiftIsoWeek(w: IsoWeek, n: number): IsoWeek {
  return isoWeekOf(addWeeks(utc(w.start), n));
}

/** YYYY-MM-DD (UTC) of the day n days after d's. */
export function utcDayOf(d: Date, n = 0): string {
  return formatISO(addDays(utc(d), n), { representation: 'date' });
}

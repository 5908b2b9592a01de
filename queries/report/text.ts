// Number and time formatting shared by the human renderers (Markdown, HTML). Fixed locale: output is stable.
import { utcDayOf } from './week.ts';

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtShare = (x: number) => `${(x * 100).toFixed(1)} %`;
export const fmtChange = (pct: number | null) => (pct === null ? 'new' : `${pct > 0 ? '+' : ''}${pct.toFixed(1)} %`);
/** ISO 8601 UTC → 'Mon 23 Nov 14:05' */
export function fmtTime(iso: string): string {
  const d = new Date(iso);
  const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: '2-digit', month: 'short', timeZone: 'UTC' });
  return `${day.replace(',', '')} ${d.toISOString().slice(11, 16)}`;
}
/** YYYY-MM-DD → 'Mon 23 Nov' */
export function fmtDay(day: string): string {
  return new Date(`${day}T00:00:00Z`)
    .toLocaleDateString('en-GB', { weekday: 'short', day: '2-digit', month: 'short', timeZone: 'UTC' })
    .replace(',', '');
}
/** The week as 'Mon 23 Nov – Sun 29 Nov 2026' */
export function fmtWeekSpan(startIso: string, endIso: string): string {
  const last = utcDayOf(new Date(endIso), -1);
  return `${fmtDay(startIso.slice(0, 10))} – ${fmtDay(last)} ${last.slice(0, 4)}`;
}
export const status = (l: { still_active: boolean; ended_this_week: boolean }) => (l.still_active ? 'active' : 'ended');

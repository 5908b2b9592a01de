import test from 'ava';
import {
  isoWeekOf,
  lastCompleteIsoWeek,
  parseIsoWeek,
  shiftIsoWeek,
  weeksInIsoYear,
} from '../../queries/report/week.ts';

const at = (iso: string) => new Date(iso);

test('the default week is the last complete ISO week before now (UTC)', (t) => {
  // Sunday 29 Nov 2026 23:59 UTC is still inside W48, so W47 is the last complete one.
  t.is(lastCompleteIsoWeek(at('2026-11-29T23:59:59Z')).label, '2026-W47');
  // Monday 30 Nov 00:00 UTC: W48 just completed.
  const w = lastCompleteIsoWeek(at('2026-11-30T00:00:00Z'));
  t.is(w.label, '2026-W48');
  t.is(w.start.toISOString(), '2026-11-23T00:00:00.000Z');
  t.is(w.end.toISOString(), '2026-11-30T00:00:00.000Z');
});

test('year boundaries: 2027-01-01 lies in 2026-W53; the week completed on 4 Jan 2027 is 2026-W53', (t) => {
  t.is(weeksInIsoYear(2026), 53);
  t.is(isoWeekOf(at('2027-01-01T12:00:00Z')).label, '2026-W53');
  // on Friday 1 Jan 2027, W53 is not over yet: the last complete week is W52
  t.is(lastCompleteIsoWeek(at('2027-01-01T12:00:00Z')).label, '2026-W52');
  const w53 = lastCompleteIsoWeek(at('2027-01-04T08:00:00Z'));
  t.is(w53.label, '2026-W53');
  t.is(w53.start.toISOString(), '2026-12-28T00:00:00.000Z');
  t.is(w53.end.toISOString(), '2027-01-04T00:00:00.000Z');
  t.is(lastCompleteIsoWeek(at('2027-01-11T00:00:00Z')).label, '2027-W01');
  // 2025-12-29 (Monday) starts 2026-W01
  t.is(isoWeekOf(at('2025-12-29T00:00:00Z')).label, '2026-W01');
  t.is(isoWeekOf(at('2025-12-28T23:59:59Z')).label, '2025-W52');
  t.is(isoWeekOf(at('2021-01-03T10:00:00Z')).label, '2020-W53');
});

test('parseIsoWeek gives Monday..Monday in UTC and refuses weeks that do not exist', (t) => {
  const w = parseIsoWeek('2026-W48');
  t.is(w.start.toISOString(), '2026-11-23T00:00:00.000Z');
  t.is(w.end.toISOString(), '2026-11-30T00:00:00.000Z');
  t.is(parseIsoWeek('2026-W01').start.toISOString(), '2025-12-29T00:00:00.000Z');
  t.is(parseIsoWeek('2026-W53').start.toISOString(), '2026-12-28T00:00:00.000Z');
  t.throws(() => parseIsoWeek('2025-W53'), { message: /2025 has no ISO week 53 \(it has 52\)/ });
  t.throws(() => parseIsoWeek('2026-W00'), { message: /no ISO week 0/ });
  t.throws(() => parseIsoWeek('2026-48'), { message: /--week must look like 2026-W48/ });
  t.throws(() => parseIsoWeek("2026-W48'; DROP TABLE x"), { message: /--week must look like/ });
});

test('shiftIsoWeek crosses years', (t) => {
  t.is(shiftIsoWeek(parseIsoWeek('2027-W01'), -1).label, '2026-W53');
  t.is(shiftIsoWeek(parseIsoWeek('2026-W53'), 1).label, '2027-W01');
  t.is(shiftIsoWeek(parseIsoWeek('2026-W01'), -1).label, '2025-W52');
});

test('the week does not depend on the process time zone', (t) => {
  // Date math is UTC only; a Sunday late evening in UTC is a Monday in Asia but still the same ISO week here.
  t.is(isoWeekOf(at('2026-11-29T23:30:00Z')).label, '2026-W48');
  t.is(isoWeekOf(at('2026-11-23T00:00:00Z')).label, '2026-W48');
  t.is(isoWeekOf(at('2026-11-22T23:59:59Z')).label, '2026-W47');
});

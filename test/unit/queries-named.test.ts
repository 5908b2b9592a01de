import test from 'ava';
import { bindParams, listNamed, parseNamed, NamedQueryError } from '../../queries/named.ts';

const NOW = new Date('2026-03-10T12:34:56Z');
const info = (name: string) => listNamed().find((q) => q.name === name)!;

test('every named query from the issue exists, with a description, columns and declared params', (t) => {
  const names = listNamed().map((q) => q.name);
  for (const n of [
    'active-listings',
    'listings-timeline',
    'fleet-spread',
    'prefix-heat',
    'new-listings',
    'ended-listings',
    'accounts-before-listing',
    'provider-breakdown',
    'top-codes',
  ]) {
    t.true(names.includes(n), n);
  }
  for (const q of listNamed()) {
    t.true(q.description.length > 20, q.name);
    t.true(q.columns.length > 0, q.name);
  }
});

test('header and SQL must agree on parameters', (t) => {
  t.throws(() => parseNamed('x', '-- x: d\n-- columns: a\nSELECT {a:String}'), { message: /not declared/ });
  t.throws(() => parseNamed('x', '-- x: d\n-- param a: UInt32\n-- columns: a\nSELECT {a:String}'), {
    message: /declared UInt32/,
  });
  t.throws(() => parseNamed('x', '-- x: d\n-- param a: String\n-- columns: a\nSELECT 1'), { message: /not used/ });
  t.throws(() => parseNamed('y', '-- x: d\n-- columns: a\nSELECT 1'), { message: /first line/ });
  const q = parseNamed(
    'x',
    "-- x: a description\n-- param a: String = '' -- help text\n-- allowed a: p, q\n-- columns: a\nSELECT {a:String}",
  );
  t.deepEqual(q.params, [{ name: 'a', type: 'String', default: '', help: 'help text', allowed: ['p', 'q'] }]);
});

test('defaults fill in; relative and absolute times become UTC DateTime text', (t) => {
  const p = bindParams(info('listings-timeline'), { since: '2026-03-01', until: 'now-24h' }, NOW);
  t.deepEqual(p, {
    since: '2026-03-01 00:00:00',
    until: '2026-03-09 12:34:56',
    bucket: 'day',
    category: 'ip_blocklist',
    provider: '',
  });
  t.is(bindParams(info('active-listings'), {}, NOW).now, '2026-03-10 12:34:56');
  t.is(bindParams(info('active-listings'), { now: 'today-7d' }, NOW).now, '2026-03-03 00:00:00');
  t.is(bindParams(info('active-listings'), { now: '2026-03-02T10:00:00+02:00' }, NOW).now, '2026-03-02 08:00:00');
  t.is(bindParams(info('active-listings'), { now: new Date('2026-03-02T10:00:00Z') }, NOW).now, '2026-03-02 10:00:00');
});

test('integers and IPs are checked and normalised', (t) => {
  t.is(bindParams(info('top-codes'), { limit: '7' }, NOW).limit, 7);
  t.is(bindParams(info('ip-episodes'), { ip: '198.51.100.7' }, NOW).ip, '::ffff:198.51.100.7');
  t.is(bindParams(info('ip-episodes'), { ip: '2001:db8::1' }, NOW).ip, '2001:db8::1');
  t.throws(() => bindParams(info('top-codes'), { limit: '-1' }, NOW), {
    instanceOf: NamedQueryError,
    message: /limit/,
  });
  t.throws(() => bindParams(info('top-codes'), { limit: '1 OR 1=1' }, NOW), { instanceOf: NamedQueryError });
  t.throws(() => bindParams(info('ip-episodes'), { ip: "1.2.3.4'); DROP TABLE bounce_events; --" }, NOW), {
    instanceOf: NamedQueryError,
  });
});

test('unknown, missing and out-of-list parameters are clean errors that list what exists', (t) => {
  t.throws(() => bindParams(info('top-codes'), { limt: '3' }, NOW), {
    instanceOf: NamedQueryError,
    message: /unknown parameter "limt".*limit \(UInt32, default 20\)/,
  });
  t.throws(() => bindParams(info('ip-episodes'), {}, NOW), {
    instanceOf: NamedQueryError,
    message: /missing parameter "ip"/,
  });
  t.throws(() => bindParams(info('listings-timeline'), { bucket: 'week' }, NOW), {
    instanceOf: NamedQueryError,
    message: /one of: hour, day/,
  });
  t.throws(() => bindParams(info('active-listings'), { now: "2026-01-01'); DROP TABLE x; --" }, NOW), {
    instanceOf: NamedQueryError,
    message: /not a time/,
  });
});

test('a hostile text value is passed through as a value, unchanged (the engine binds it)', (t) => {
  const evil = "'); DROP TABLE bounce_events; --";
  t.is(bindParams(info('active-listings'), { provider: evil }, NOW).provider, evil);
});

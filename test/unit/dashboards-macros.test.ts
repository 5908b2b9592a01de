// The Grafana macro expander used by the dashboard tests must expand exactly like the plugin does.
// Expected strings follow the plugin's own tests
// (https://github.com/grafana/clickhouse-datasource/blob/main/pkg/macros/macros_test.go) and the SDK's parser rules
// (https://github.com/grafana/grafana-plugin-sdk-go/blob/main/data/sqlutil/macros_test.go).
import test from 'ava';
import {
  expandMacros,
  interpolateVariables,
  renderQuery,
  MacroError,
  type TemplateVariable,
} from '../helpers/grafana-macros.ts';

const range = {
  from: new Date('2014-11-12T11:45:26.123Z'),
  to: new Date('2015-11-12T11:45:26.456Z'),
  intervalMs: 20_000,
};

const cases: [string, string][] = [
  [
    'select * from foo where $__timeFilter(cast(sth as timestamp))',
    'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)',
  ],
  [
    'select * from foo where $__timeFilter(cast(sth as timestamp) )',
    'select * from foo where cast(sth as timestamp) >= toDateTime(1415792726) AND cast(sth as timestamp) <= toDateTime(1447328726)',
  ],
  [
    'select * from foo where $__timeFilter_ms(ts)',
    'select * from foo where ts >= fromUnixTimestamp64Milli(1415792726123) AND ts <= fromUnixTimestamp64Milli(1447328726456)',
  ],
  [
    'select * from foo where ( date >= $__fromTime and date <= $__toTime ) limit 100',
    'select * from foo where ( date >= toDateTime(1415792726) and date <= toDateTime(1447328726) ) limit 100',
  ],
  [
    'select * from foo where ( date >= $__fromTime_ms ) and ( date <= $__toTime_ms ) limit 100',
    'select * from foo where ( date >= fromUnixTimestamp64Milli(1415792726123) ) and ( date <= fromUnixTimestamp64Milli(1447328726456) ) limit 100',
  ],
  ['$__dateFilter(d)', "d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')"],
  [
    '$__dateTimeFilter(d, t)',
    "(d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')) AND (t >= toDateTime(1415792726) AND t <= toDateTime(1447328726))",
  ],
  [
    '$__dt(d, t)',
    "(d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')) AND (t >= toDateTime(1415792726) AND t <= toDateTime(1447328726))",
  ],
  ['select $__timeInterval(col) from foo', 'select toStartOfInterval(toDateTime(col), INTERVAL 20 second) from foo'],
  [
    'select $__timeInterval_ms(col) from foo',
    'select toStartOfInterval(toDateTime64(col, 3), INTERVAL 20000 millisecond) from foo',
  ],
  ['INTERVAL $__interval_s second', 'INTERVAL 20 second'],
  // a name that merely starts like another macro is not that macro; a later "(" is not an argument list
  [
    '$__fromTime AND x <= $__toTime GROUP BY toStartOfHour(t)',
    'toDateTime(1415792726) AND x <= toDateTime(1447328726) GROUP BY toStartOfHour(t)',
  ],
  [
    '$__timeFilter(toDateTime(a, b))',
    'toDateTime(a, b) >= toDateTime(1415792726) AND toDateTime(a, b) <= toDateTime(1447328726)',
  ],
];

for (const [input, output] of cases) {
  test(`expands ${input}`, (t) => {
    t.is(expandMacros(input, range), output);
  });
}

test('a missing closing bracket is an error, as in the SDK', (t) => {
  t.throws(() => expandMacros('select * from foo where $__timeFilter(ts', range), { instanceOf: MacroError });
});

test('a wrong number of arguments is an error', (t) => {
  t.throws(() => expandMacros('select $__timeFilter(a, b)', range), {
    instanceOf: MacroError,
    message: /expected 1 argument/,
  });
});

test('the interval never drops below one second', (t) => {
  t.is(expandMacros('$__interval_s', { ...range, intervalMs: 200 }), '1');
});

const vars: TemplateVariable[] = [
  { name: 'provider', current: ['microsoft', "o'brien"], options: ['microsoft', 'google'] },
  { name: 'prefix', current: '$__all', options: ['198.51.100.0/24', '203.0.113.0/24'] },
  { name: 'single', current: 'google' },
];

test('variables: singlequote escapes, the plugin default quotes arrays only, All expands to every option', (t) => {
  t.is(interpolateVariables('IN (${provider:singlequote})', vars, range), "IN ('microsoft','o\\'brien')");
  t.is(interpolateVariables('IN ($provider)', vars, range), "IN ('microsoft','o'brien')");
  t.is(interpolateVariables('= $single', vars, range), '= google');
  t.is(interpolateVariables('IN (${prefix:singlequote})', vars, range), "IN ('198.51.100.0/24','203.0.113.0/24')");
  t.is(interpolateVariables('$unknown and $__timeFilter(x)', vars, range), '$unknown and $__timeFilter(x)');
});

test('$__conditionalAll keeps the condition for a selection and becomes 1=1 for All', (t) => {
  const sql =
    'WHERE $__conditionalAll(provider IN (${provider:singlequote}), $provider) AND $__conditionalAll(p IN (${prefix:singlequote}), $prefix)';
  t.is(renderQuery(sql, vars, range), "WHERE provider IN ('microsoft','o\\'brien') AND 1=1");
});

test('built-in interval variables come from the frontend', (t) => {
  t.is(
    interpolateVariables('$__interval $__interval_ms ${__from} $__to', vars, { ...range, intervalMs: 3_600_000 }),
    '1h 3600000 1415792726123 1447328726456',
  );
});

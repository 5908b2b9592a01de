// Renders a Grafana panel query the way Grafana + grafana-clickhouse-datasource would, so tests can run it.
//
// Two stages, in Grafana's order:
//  1. Frontend (browser): the plugin's applyTemplateVariables: $__conditionalAll(...) first, then
//     templateSrv.replace with the plugin's default formatter (arrays → 'a','b'; scalars raw) unless the
//     variable names a format (${v:singlequote}, ${v:csv}, ${v:sqlstring}, ${v:raw}, ${v:doublequote}).
//     Sources: https://github.com/grafana/clickhouse-datasource/blob/main/src/data/CHDatasource.ts
//     (applyTemplateVariables, applyConditionalAll, format) and Grafana's templateSrv variable regex and format
//     registry (https://github.com/grafana/grafana/blob/main/public/app/features/templating/template_srv.ts,
//     .../templating/formatRegistry.ts).
//  2. Backend (Go): `Interpolate` in https://github.com/grafana/grafana-plugin-sdk-go/blob/main/data/sqlutil/macros.go
//     (macro names longest first,
//     `\$__name\b`, a bracketed argument list only when `(` follows the name directly, top-level commas split
//     arguments, a missing `)` is an error), with the SDK defaults (timeFrom, timeTo, timeGroup, table, column,
//     interval, interval_ms) overridden/extended by the plugin's map in
//     https://github.com/grafana/clickhouse-datasource/blob/main/pkg/macros/macros.go (fromTime, toTime, fromTime_ms, toTime_ms,
//     timeFilter, timeFilter_ms, dateFilter, dateTimeFilter, dt, timeInterval, timeInterval_ms, interval_s).
// Our own code, written from reading those files; no text copied.

export interface QueryTime {
  from: Date;
  to: Date;
  /** Grafana's computed interval for the panel (ms). Alert rules default to 1000. */
  intervalMs: number;
}

type MacroFn = (t: QueryTime, args: string[]) => string;

export class MacroError extends Error {
  override name = 'MacroError';
}

const unix = (d: Date) => Math.floor(d.getTime() / 1000);
const toDateTime = (d: Date) => `toDateTime(${unix(d)})`;
const toDateTime64 = (d: Date) => `fromUnixTimestamp64Milli(${d.getTime()})`;
const toDate = (d: Date) => `toDate('${d.toISOString().slice(0, 10)}')`;
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function want(name: string, args: string[], n: number): void {
  if (args.length !== n) {
    throw new MacroError(
      `$__${name}: unexpected number of arguments: expected ${n} argument${n === 1 ? '' : 's'}, received ${args.length}`,
    );
  }
}

/** Go's gtime.FormatInterval (whole units, largest first). */
export function formatInterval(ms: number): string {
  const units: [number, string][] = [
    [365 * 86_400_000, 'y'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
    [1, 'ms'],
  ];
  for (const [size, unit] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return '1ms';
}

const sdkDefaults: Record<string, MacroFn> = {
  interval: (t) => formatInterval(t.intervalMs),
  interval_ms: (t) => String(Math.trunc(t.intervalMs)),
  timeFilter: (t, a) => (want('timeFilter', a, 1), `${a[0]} >= '${rfc3339(t.from)}' AND ${a[0]} <= '${rfc3339(t.to)}'`),
  timeFrom: (t, a) => (want('timeFrom', a, 1), `${a[0]} >= '${rfc3339(t.from)}'`),
  timeTo: (t, a) => (want('timeTo', a, 1), `${a[0]} <= '${rfc3339(t.to)}'`),
  timeGroup: (_t, a) => {
    want('timeGroup', a, 2);
    const parts = ['minute', 'hour', 'day', 'month', 'year'];
    const start = parts.indexOf(a[1]);
    return start < 0
      ? ''
      : parts
          .slice(start)
          .map((p) => `datepart(${p}, ${a[0]})`)
          .join(',');
  },
  table: () => '',
  column: () => '',
};

const pluginMacros: Record<string, MacroFn> = {
  fromTime: (t) => toDateTime(t.from),
  toTime: (t) => toDateTime(t.to),
  fromTime_ms: (t) => toDateTime64(t.from),
  toTime_ms: (t) => toDateTime64(t.to),
  timeFilter: (t, a) => (
    want('timeFilter', a, 1),
    `${a[0]} >= ${toDateTime(t.from)} AND ${a[0]} <= ${toDateTime(t.to)}`
  ),
  timeFilter_ms: (t, a) => (
    want('timeFilter_ms', a, 1),
    `${a[0]} >= ${toDateTime64(t.from)} AND ${a[0]} <= ${toDateTime64(t.to)}`
  ),
  dateFilter: (t, a) => (want('dateFilter', a, 1), `${a[0]} >= ${toDate(t.from)} AND ${a[0]} <= ${toDate(t.to)}`),
  dateTimeFilter: (t, a) => dateTimeFilter('dateTimeFilter', t, a),
  dt: (t, a) => dateTimeFilter('dt', t, a),
  timeInterval: (t, a) => {
    want('timeInterval', a, 1);
    return `toStartOfInterval(toDateTime(${a[0]}), INTERVAL ${Math.trunc(Math.max(t.intervalMs / 1000, 1))} second)`;
  },
  timeInterval_ms: (t, a) => {
    want('timeInterval_ms', a, 1);
    return `toStartOfInterval(toDateTime64(${a[0]}, 3), INTERVAL ${Math.trunc(Math.max(t.intervalMs, 1))} millisecond)`;
  },
  interval_s: (t) => String(Math.trunc(Math.max(t.intervalMs / 1000, 1))),
};

function dateTimeFilter(name: string, t: QueryTime, a: string[]): string {
  want(name, a, 2);
  const [d, c] = a;
  return `(${d} >= ${toDate(t.from)} AND ${d} <= ${toDate(t.to)}) AND (${c} >= ${toDateTime(t.from)} AND ${c} <= ${toDateTime(t.to)})`;
}

/** The bracketed argument list right after a macro name: [args, consumed length]; -1 = no closing bracket. */
function parseArgs(rest: string): [string[], number] {
  if (!rest.startsWith('(')) return [[], 0];
  const args: string[] = [];
  let depth = 0;
  let arg = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (ch === ')') {
      depth--;
      if (depth === 0) {
        args.push(arg.trim());
        return [args, i + 1];
      }
    } else if (ch === ',' && depth === 1) {
      args.push(arg.trim());
      arg = '';
      continue;
    }
    arg += ch;
  }
  return [[], -1];
}

/** Stage 2: the backend's macro expansion. */
export function expandMacros(sql: string, t: QueryTime): string {
  const macros: Record<string, MacroFn> = { ...sdkDefaults, ...pluginMacros };
  const names = Object.keys(macros).sort((a, b) => b.length - a.length);
  let raw = sql;
  for (const name of names) {
    const re = new RegExp(`\\$__${name}\\b`, 'g');
    const matches: { full: string; args: string[] }[] = [];
    for (const m of raw.matchAll(re)) {
      const end = m.index + m[0].length;
      const [args, length] = parseArgs(raw.slice(end));
      if (length < 0) throw new MacroError(`failed to parse macro arguments (missing close bracket?) at $__${name}`);
      matches.push({ full: raw.slice(m.index, end + length), args });
    }
    for (const m of matches) raw = raw.split(m.full).join(macros[name](t, m.args));
  }
  return raw;
}

export interface TemplateVariable {
  name: string;
  /** Selected value(s); '$__all' (or ['$__all']) means the All option. */
  current: string | string[];
  /** Every option the variable offers (what All expands to when no allValue is set). */
  options?: string[];
  /** Grafana's "Custom all value". */
  allValue?: string;
}

const ALL = '$__all';

/** Grafana's variable syntaxes: $name, [[name:fmt]], ${name.field:fmt}. */
const VARIABLE_RE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

type Formatter = (value: string | string[]) => string;
const each = (value: string | string[], f: (v: string) => string, sep = ',') =>
  Array.isArray(value) ? value.map(f).join(sep) : f(value);
const FORMATS: Record<string, Formatter> = {
  singlequote: (v) => each(v, (s) => `'${s.replace(/'/g, "\\'")}'`),
  doublequote: (v) => each(v, (s) => `"${s.replace(/"/g, '\\"')}"`),
  sqlstring: (v) => each(v, (s) => `'${s.replace(/'/g, "''")}'`),
  csv: (v) => each(v, (s) => s),
  raw: (v) => each(v, (s) => s),
};
/** The plugin's own formatter, used when the variable names no format. */
const pluginFormat: Formatter = (v) => (Array.isArray(v) ? `'${v.join("','")}'` : v);

function isAll(v: TemplateVariable): boolean {
  return Array.isArray(v.current) ? v.current.includes(ALL) : v.current === ALL;
}

/** Grafana's built-in variables that the frontend fills in before the query leaves the browser. */
function builtins(t: QueryTime): Record<string, string> {
  const rangeMs = t.to.getTime() - t.from.getTime();
  return {
    __interval: formatInterval(t.intervalMs),
    __interval_ms: String(t.intervalMs),
    __from: String(t.from.getTime()),
    __to: String(t.to.getTime()),
    __range_ms: String(rangeMs),
    __range_s: String(Math.round(rangeMs / 1000)),
    __range: formatInterval(rangeMs),
  };
}

/** The plugin's $__conditionalAll(condition, $var): the condition, or 1=1 when All (or nothing) is selected. */
function applyConditionalAll(sql: string, vars: TemplateVariable[]): string {
  const macro = '$__conditionalAll(';
  let raw = sql;
  let at = raw.lastIndexOf(macro);
  while (at !== -1) {
    const [args, length] = parseArgs(raw.slice(at + macro.length - 1));
    if (length < 0 || args.length !== 2) return raw;
    // Like the plugin: only the `$name` form is recognised (`${name}` keeps the condition).
    const v = vars.find((x) => x.name === args[1].substring(1));
    const value = v ? String(v.current) : undefined;
    const phrase = value === '' || value === ALL ? '1=1' : args[0];
    raw = raw.slice(0, at) + phrase + raw.slice(at + macro.length - 1 + length);
    at = raw.lastIndexOf(macro);
  }
  return raw;
}

/** Stage 1: the frontend's template-variable interpolation. Unknown names stay as they are (macros do). */
export function interpolateVariables(sql: string, vars: TemplateVariable[], t: QueryTime): string {
  const fixed = builtins(t);
  return applyConditionalAll(sql, vars).replace(VARIABLE_RE, (match, n1, n2, f2, n3, _field, f3) => {
    const name: string = n1 ?? n2 ?? n3;
    const fmt: string | undefined = f2 ?? f3;
    if (name in fixed) return fixed[name];
    const v = vars.find((x) => x.name === name);
    if (!v) return match;
    if (isAll(v) && v.allValue !== undefined) return v.allValue;
    const value = isAll(v) ? (v.options ?? []) : v.current;
    if (fmt === undefined) return pluginFormat(value);
    const formatter = FORMATS[fmt];
    if (!formatter) throw new MacroError(`variable format ${fmt} is not supported by this test helper`);
    return formatter(value);
  });
}

/** Both stages: the SQL text ClickHouse receives for a panel target. */
export function renderQuery(sql: string, vars: TemplateVariable[], t: QueryTime): string {
  return expandMacros(interpolateVariables(sql, vars, t), t);
}

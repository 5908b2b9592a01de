// Named trend queries: queries/named/<name>.sql, one per file, typed {param:Type} only, values passed as query_params.
// Header (leading `--` lines):
//   -- <name>: <description>
//   -- param <p>: <Type> [= <default>] [-- <help>]    default: a literal, '' for empty, or for dates now, now-7d, now-24h, today
//   -- allowed <p>: a, b, c                            optional closed list of values
//   -- columns: a, b, c                                the output columns, in order
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UTCDate } from '@date-fns/utc';
import { startOfDay, subDays, subHours } from 'date-fns';
import ipaddr from 'ipaddr.js';
import { BouncePipelineError } from '../shared/errors.ts';
import type { Store } from './client.ts';

export const NAMED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'named');

export interface NamedParam {
  name: string;
  type: string;
  default?: string;
  help?: string;
  allowed?: string[];
}
export interface NamedQueryInfo {
  name: string;
  description: string;
  params: NamedParam[];
  columns: string[];
}
interface NamedQuery extends NamedQueryInfo {
  sql: string;
}

export type ParamValue = string | number | Date;

/** Unknown query, unknown/missing/bad parameter: the message lists what exists. */
export class NamedQueryError extends BouncePipelineError {
  constructor(message: string) {
    super(message, { stage: 'config' });
  }
}

let cache: Map<string, NamedQuery> | undefined;

function load(): Map<string, NamedQuery> {
  if (cache) return cache;
  const out = new Map<string, NamedQuery>();
  for (const file of fs
    .readdirSync(NAMED_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const q = parseNamed(file.replace(/\.sql$/, ''), fs.readFileSync(path.join(NAMED_DIR, file), 'utf8'));
    out.set(q.name, q);
  }
  cache = out;
  return out;
}

/** Parse and check one file: the header must declare exactly the {p:Type} placeholders the SQL uses. */
export function parseNamed(name: string, text: string): NamedQuery {
  const fail = (msg: string) => {
    throw new Error(`queries/named/${name}.sql: ${msg}`);
  };
  const header = text
    .split('\n')
    .filter((l) => l.startsWith('--'))
    .map((l) => l.replace(/^--\s?/, ''));
  const first = /^([a-z0-9-]+):\s*(.+)$/.exec(header[0] ?? '');
  if (!first || first[1] !== name) fail(`first line must be "-- ${name}: <description>"`);
  const params: NamedParam[] = [];
  let columns: string[] = [];
  for (const line of header.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = /^param (\w+):\s*([\w()']+)\s*(?:=\s*(\S*))?\s*(?:--\s*(.*))?$/.exec(line))) {
      const def = m[3] === undefined ? undefined : m[3] === "''" ? '' : m[3];
      params.push({
        name: m[1],
        type: m[2],
        ...(def !== undefined ? { default: def } : {}),
        ...(m[4] ? { help: m[4].trim() } : {}),
      });
    } else if ((m = /^allowed (\w+):\s*(.+)$/.exec(line))) {
      const p = params.find((x) => x.name === m![1]) ?? fail(`allowed ${m[1]}: no such param declared above`);
      p.allowed = m[2].split(',').map((s) => s.trim());
    } else if ((m = /^columns:\s*(.+)$/.exec(line))) {
      columns = m[1].split(',').map((s) => s.trim());
    }
  }
  const used = new Map<string, string>();
  for (const u of text.matchAll(/\{(\w+):([^}]+)\}/g)) {
    if (used.has(u[1]) && used.get(u[1]) !== u[2]) fail(`{${u[1]}} is used with two types`);
    used.set(u[1], u[2]);
  }
  for (const [p, type] of used) {
    const decl = params.find((x) => x.name === p);
    if (!decl) fail(`{${p}:${type}} is not declared in the header`);
    else if (decl.type !== type) fail(`{${p}} is declared ${decl.type} but used as ${type}`);
  }
  for (const p of params) if (!used.has(p.name)) fail(`param ${p.name} is declared but not used`);
  if (columns.length === 0) fail('header needs a "-- columns: ..." line');
  return { name, description: first![2].trim(), params, columns, sql: text };
}

export function listNamed(): NamedQueryInfo[] {
  return [...load().values()].map(({ sql: _sql, ...info }) => info);
}

export async function runNamed<Row = Record<string, unknown>>(
  store: Store,
  name: string,
  params: Record<string, ParamValue>,
): Promise<Row[]> {
  const q = load().get(name);
  if (!q) {
    throw new NamedQueryError(
      `unknown query "${String(name).slice(0, 80)}"; available: ${[...load().keys()].join(', ')}`,
    );
  }
  const queryParams = bindParams(q, params, new Date());
  const rs = await store.client.query({
    query: q.sql,
    query_params: queryParams,
    format: 'JSONEachRow',
  });
  return rs.json<Row>();
}

/** Validate every value against its declared type; fill defaults. Returns query_params as plain strings/numbers. */
export function bindParams(
  q: NamedQueryInfo,
  params: Record<string, ParamValue>,
  now: Date,
): Record<string, string | number> {
  const usage = () =>
    q.params
      .map(
        (p) =>
          `${p.name} (${p.type}${p.default !== undefined ? `, default ${p.default === '' ? "''" : p.default}` : ', required'})`,
      )
      .join(', ');
  for (const key of Object.keys(params)) {
    if (!q.params.some((p) => p.name === key)) {
      throw new NamedQueryError(
        `${q.name}: unknown parameter "${key.slice(0, 80)}"; it takes: ${usage() || 'no parameters'}`,
      );
    }
  }
  const out: Record<string, string | number> = {};
  for (const p of q.params) {
    const raw = params[p.name] ?? p.default;
    if (raw === undefined) throw new NamedQueryError(`${q.name}: missing parameter "${p.name}"; it takes: ${usage()}`);
    try {
      out[p.name] = convert(p, raw, now);
    } catch (err) {
      throw new NamedQueryError(
        `${q.name}: parameter ${p.name}=${JSON.stringify(String(raw)).slice(0, 100)} ${(err as Error).message}`,
      );
    }
  }
  return out;
}

const UINT_MAX: Record<string, number> = {
  UInt8: 255,
  UInt16: 65535,
  UInt32: 4294967295,
  UInt64: Number.MAX_SAFE_INTEGER,
};

function convert(p: NamedParam, raw: ParamValue, now: Date): string | number {
  if (p.type in UINT_MAX) {
    const n = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 0 || n > UINT_MAX[p.type])
      throw new Error(`is not a whole number from 0 to ${UINT_MAX[p.type]}`);
    return n;
  }
  if (p.type === 'String') {
    if (raw instanceof Date) throw new Error('must be text');
    const s = String(raw);
    if (s.length > 1000) throw new Error('is longer than 1000 characters');
    if (p.allowed && !p.allowed.includes(s)) throw new Error(`must be one of: ${p.allowed.join(', ')}`);
    return s;
  }
  if (/^DateTime(\('UTC'\))?$/.test(p.type)) return formatDateTime(toDate(raw, now));
  if (p.type === 'Date') return formatDateTime(toDate(raw, now)).slice(0, 10);
  if (p.type === 'IPv6') {
    const s = String(raw);
    if (!ipaddr.isValid(s)) throw new Error('is not an IP address');
    const ip = ipaddr.parse(s);
    return ip.kind() === 'ipv4' ? `::ffff:${ip.toString()}` : ip.toString();
  }
  throw new Error(`has an unsupported type ${p.type}`);
}

const RELATIVE = /^(now|today)(?:-(\d+)([hd]))?$/;
const ABSOLUTE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** A Date, an absolute time (no zone = UTC), or now / today with an optional -Nh / -Nd. */
function toDate(raw: ParamValue, now: Date): Date {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) throw new Error('is an invalid Date');
    return raw;
  }
  const s = String(raw).trim();
  const rel = RELATIVE.exec(s);
  if (rel) {
    const utcNow = new UTCDate(now.getTime());
    const base = rel[1] === 'today' ? startOfDay(utcNow) : utcNow;
    const n = rel[2] ? Number(rel[2]) : 0;
    return new Date((rel[3] === 'd' ? subDays(base, n) : subHours(base, n)).getTime());
  }
  if (!ABSOLUTE.test(s))
    throw new Error(
      'is not a time: use YYYY-MM-DD, YYYY-MM-DD hh:mm:ss (UTC), ISO 8601, now, now-24h, now-7d or today',
    );
  const iso = s.replace(' ', 'T');
  const d = new Date(
    /[zZ]|[+-]\d{2}:?\d{2}$/.test(iso.slice(10)) ? iso : iso.length === 10 ? `${iso}T00:00:00Z` : `${iso}Z`,
  );
  if (Number.isNaN(d.getTime())) throw new Error('is not a valid time');
  return d;
}

function formatDateTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

// What every transform result must look like, whatever the input: the fuzz harness and its test share these checks.
import { isIP } from 'node:net';
import type { BounceEvent, TransformResult } from '../../transform/bounce-event.ts';
import { STRING_LIMITS } from '../../transform/bounds.ts';
import { CATEGORIES, PROVIDERS, REASONS } from '../../transform/vocabulary.ts';

const EVENT_ID = /^[0-9a-f]{32}$/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const CH_DATETIME = /^(\d{4})-\d\d-\d\d \d\d:\d\d:\d\d$/;
const STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;
const PREFIX = /^(.+)\/(\d{1,3})$/;
/** failed and delayed, and SendGrid's "expired" (a failure), which the parser keeps as written */
const ACTIONS = new Set(['failed', 'delayed', 'expired']);

/** Problems with one event ('' fields are allowed where the schema allows them). Empty list = valid. */
export function eventProblems(e: BounceEvent): string[] {
  const p: string[] = [];
  const bad = (field: string, why: string) =>
    p.push(
      `${field}: ${why} (${JSON.stringify(String((e as unknown as Record<string, unknown>)[field]).slice(0, 80))})`,
    );
  if (!EVENT_ID.test(e.event_id)) bad('event_id', 'not 32 hex chars');
  if (!ISO_MS.test(e.received_at) || Number.isNaN(Date.parse(e.received_at)))
    bad('received_at', 'not ISO 8601 with ms');
  const dt = CH_DATETIME.exec(e.bounced_at);
  if (!dt || Number.isNaN(Date.parse(e.bounced_at.replace(' ', 'T') + 'Z')))
    bad('bounced_at', 'not YYYY-MM-DD hh:mm:ss');
  else if (Number(dt[1]) < 1970 || Number(dt[1]) > 2200) bad('bounced_at', 'year out of range');
  if (e.sending_ip && isIP(e.sending_ip) === 0) bad('sending_ip', 'not an IP');
  if (e.sending_prefix) {
    const m = PREFIX.exec(e.sending_prefix);
    if (!m || isIP(m[1]) === 0 || Number(m[2]) > 128) bad('sending_prefix', 'not a CIDR prefix');
  }
  if (e.sending_ip && !e.sending_prefix) bad('sending_prefix', 'missing for a sending IP');
  if (e.listed_ip !== null && isIP(e.listed_ip) === 0) bad('listed_ip', 'not an IP');
  if (e.status && !STATUS.test(e.status)) bad('status', 'not an enhanced status code');
  if (!Number.isInteger(e.reply_code) || (e.reply_code !== 0 && (e.reply_code < 200 || e.reply_code > 599)))
    bad('reply_code', 'not 0 or 200-599');
  if (!ACTIONS.has(e.action)) bad('action', 'not failed/delayed/expired');
  if (!(REASONS as readonly string[]).includes(e.reason)) bad('reason', 'not in the vocabulary');
  if (!(CATEGORIES as readonly string[]).includes(e.category)) bad('category', 'not in the vocabulary');
  if (!(PROVIDERS as readonly string[]).includes(e.provider)) bad('provider', 'not in the vocabulary');
  if (!e.recipient.includes('@')) bad('recipient', 'no @');
  // Every String column within its documented cap (transform/bounds.ts, in UTF-8 bytes).
  for (const [field, max] of Object.entries(STRING_LIMITS) as [keyof typeof STRING_LIMITS, number][]) {
    const value = e[field];
    if (typeof value === 'string' && Buffer.byteLength(value) > max) bad(field, `over ${max} bytes`);
  }
  return p;
}

export type Verdict = { ok: true } | { ok: false; kind: 'throw' | 'parse_failed' | 'malformed'; detail: string };

/** Runs the transform on one input and checks the outcome (not the time). */
export function checkResult(run: () => TransformResult): Verdict {
  let result: TransformResult;
  try {
    result = run();
  } catch (err) {
    return { ok: false, kind: 'throw', detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  if (result.kind === 'dlq' && result.reason === 'parse_failed')
    return { ok: false, kind: 'parse_failed', detail: result.error };
  if (result.kind === 'ok') {
    for (const e of result.events) {
      const problems = eventProblems(e);
      if (problems.length) return { ok: false, kind: 'malformed', detail: problems.join('; ') };
    }
  }
  return { ok: true };
}

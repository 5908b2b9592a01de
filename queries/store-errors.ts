// What a store error means for the batch that got it (docs/ARCHITECTURE.md "Delivery guarantees"):
//   unavailable: the store cannot take anything now (unreachable, overloaded, refusing this user). Retrying the same
//                rows later will work: wait with capped backoff, commit nothing, lose nothing.
//   rejected:    the store answered and refused this data or this statement (a value a column refuses, a block
//                limit). Retrying the same rows changes nothing: split the batch down to the records that cause it.
// The rules are data: first match wins. An error the server answered with a code not listed here is `rejected`
// (the split finds out whether one record causes it); an error without a server code is `unavailable`.

export type StoreErrorKind = 'unavailable' | 'rejected';

export interface StoreErrorRule {
  kind: StoreErrorKind;
  /** ClickHouse error codes (system.errors), or Node/network error codes (ECONNREFUSED ...) */
  codes?: (number | string)[];
  /** matched against the message when given (with codes: both must match) */
  message?: RegExp;
  /** unavailable: what we wait for, in the one log line; rejected: what the engine refused */
  what: string;
}

export const STORE_ERROR_RULES: readonly StoreErrorRule[] = [
  // 252 is both: a block spanning too many partitions is the data's fault, too many parts is the store's load.
  {
    kind: 'rejected',
    codes: [252],
    message: /too many partitions for (a )?single insert block/i,
    what: 'the block spans too many partitions',
  },
  { kind: 'unavailable', codes: [252], what: 'merges to catch up (too many parts)' },
  { kind: 'unavailable', codes: [241, 173], what: 'memory to be freed (memory limit)' },
  { kind: 'unavailable', codes: [159, 209, 210, 394, 236], what: 'the store to answer in time (timeout, network)' },
  { kind: 'unavailable', codes: [202, 203], what: 'fewer concurrent queries (too many simultaneous queries)' },
  {
    kind: 'unavailable',
    codes: [242, 243, 425, 1001, 74, 75, 76, 107, 477],
    what: "the store's disk to accept writes (read-only, full or failing)",
  },
  {
    kind: 'unavailable',
    codes: [164, 497, 516, 192, 60, 81],
    what: 'the store to accept this user and schema (grants, password, migrations)',
  },
  {
    kind: 'unavailable',
    codes: [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'UND_ERR_SOCKET',
    ],
    what: 'the store to accept connections',
  },
  {
    kind: 'unavailable',
    message: /socket hang up|timeout|timed out|connect|ECONN/i,
    what: 'the store to answer (connection or timeout)',
  },
];

export interface StoreErrorVerdict {
  kind: StoreErrorKind;
  what: string;
  /** the ClickHouse or network code, or '' */
  code: string;
}

/** Looks through cause chains (our StoreWriteError wraps the client's error). */
function codeAndMessage(err: unknown): { code: string; message: string } {
  let e: unknown = err;
  const messages: string[] = [];
  let code = '';
  for (let depth = 0; e && depth < 5; depth++) {
    const o = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (!code && (typeof o.code === 'string' || typeof o.code === 'number') && String(o.code) !== '')
      code = String(o.code);
    if (typeof o.message === 'string') messages.push(o.message);
    e = o.cause;
  }
  return { code, message: messages.join(' | ') };
}

export function classifyStoreError(err: unknown): StoreErrorVerdict {
  const { code, message } = codeAndMessage(err);
  for (const rule of STORE_ERROR_RULES) {
    // A message-only rule is for errors without a server code: an engine's message may quote the data itself.
    if (!rule.codes && /^\d+$/.test(code)) continue;
    const codeOk = !rule.codes || rule.codes.some((c) => String(c) === code);
    const messageOk = !rule.message || rule.message.test(message);
    if (codeOk && messageOk) return { kind: rule.kind, what: rule.what, code };
  }
  if (/^\d+$/.test(code)) return { kind: 'rejected', what: `the engine refused the data (code ${code})`, code };
  return { kind: 'unavailable', what: 'the store to answer', code };
}

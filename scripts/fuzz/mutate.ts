// Hostile inputs for the parser: mutations of real bounces (corpus and fixtures) and generated shapes of our own.
// Deterministic for a seed, so a failing input can be rebuilt from (seed, index) alone.

/** A small fast PRNG (mulberry32): the same seed gives the same inputs on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzInput {
  /** which mutation (or generator) made it, e.g. "flip-bytes" or "gen:encoded-words" */
  kind: string;
  /** the base file (or '' for generated shapes) */
  base: string;
  bytes: Buffer;
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)];

/** Tokens that once made (or could make) a parser loop or backtrack when repeated. */
const HOSTILE_TOKENS = [
  '=?utf-8?b?',
  '=?UTF-8?Q?',
  '=?',
  '?=',
  '<',
  '>',
  '<<<<',
  '[',
  ']',
  '(',
  ')',
  '"',
  '\\',
  ';',
  ':',
  '@',
  '@@',
  '\n',
  '\n\n',
  ' ',
  '\t',
  '\n ',
  '--',
  '--boundary\n',
  '>>> ',
  '<<< 550 ',
  '550-5.7.1 ',
  '5.1.1 ',
  'Final-Recipient: rfc822; ',
  'Status: 5.',
  'Diagnostic-Code: smtp; 550 ',
  'Content-Type: multipart/mixed; boundary="b"\n',
  'a@b.c ',
  '<a@b.c>',
  'RCPT TO:',
  '=\n',
  '=3D',
  'x'.repeat(50),
  '0123456789',
  '[192.0.2.',
  '::ffff:',
  'Received: from ',
  'by ',
  '\u00ff\u00fe',
  'This is the mail system at host ',
  'Content-Transfer-Encoding: base64\n',
  'begin 644 ',
  '&#',
  '<td>',
  '</',
];

const LINE_ENDS = ['\n', '\r\n', '\r'];

// -------- mutations of a real message (latin1 string in, string out) --------

function truncate(s: string, r: Rand): string {
  return s.slice(0, int(r, s.length + 1));
}

function flipBytes(s: string, r: Rand): string {
  const a = s.split('');
  const n = 1 + int(r, 16);
  for (let i = 0; i < n && a.length; i++) a[int(r, a.length)] = String.fromCharCode(int(r, 256));
  return a.join('');
}

function insertJunk(s: string, r: Rand): string {
  const at = int(r, s.length + 1);
  let junk = '';
  const n = 1 + int(r, 2000);
  for (let i = 0; i < n; i++) junk += String.fromCharCode(int(r, 256));
  return s.slice(0, at) + junk + s.slice(at);
}

/** A long run of one hostile token (or a mix) somewhere in the message: the shape that exposes backtracking. */
function tokenRun(s: string, r: Rand): string {
  const at = int(r, s.length + 1);
  const mix = r() < 0.3;
  const token = pick(r, HOSTILE_TOKENS);
  const count = 100 + int(r, 30000);
  let run = '';
  for (let i = 0; i < count && run.length < 400_000; i++) run += mix ? pick(r, HOSTILE_TOKENS) : token;
  return s.slice(0, at) + run + s.slice(at);
}

function boundariesOf(s: string): string[] {
  return [...s.matchAll(/boundary\s*=\s*"?([^";\s]+)"?/gi)].map((m) => m[1]);
}

function breakBoundaries(s: string, r: Rand): string {
  const bs = boundariesOf(s);
  if (bs.length === 0) return s.replace(/\n\n/, `\nContent-Type: multipart/mixed; boundary="zz"\n\n--zz\n`);
  const b = pick(r, bs);
  switch (int(r, 5)) {
    case 0:
      return s.split(`--${b}--`).join(''); // no close delimiter
    case 1:
      return s.split(`--${b}`).join(`--${b}x`); // every delimiter wrong
    case 2:
      return s.replace(`--${b}\n`, `--${b}\n`.repeat(1 + int(r, Math.min(5000, MAX_INPUT_BYTES / (b.length + 3))))); // a delimiter repeated
    case 3:
      return withoutBoundaryParam(s, b);
    default:
      return s.replace(`--${b}`, `--${b}\n--${b}--\n--${b}`); // closed early, then reopened
  }
}

/**
 * The first `boundary=` parameter naming b (any case, quoted or not) emptied. Found by position, not by a regex built
 * from b: a mutated boundary can be longer than V8 lets a regex be ("Regular expression too large", seed 13).
 */
function withoutBoundaryParam(s: string, b: string): string {
  for (const m of s.matchAll(/boundary\s*=\s*"?/gi)) {
    const at = m.index + m[0].length;
    if (s.slice(at, at + b.length).toLowerCase() !== b.toLowerCase()) continue;
    const end = at + b.length + (s[at + b.length] === '"' ? 1 : 0);
    return `${s.slice(0, m.index)}boundary=""${s.slice(end)}`;
  }
  return s;
}

function dupOrDropLines(s: string, r: Rand): string {
  const lines = s.split('\n');
  const n = 1 + int(r, 50);
  let size = s.length;
  for (let i = 0; i < n && lines.length; i++) {
    const at = int(r, lines.length);
    const line = lines[at];
    if (r() < 0.5) {
      lines.splice(at, 1);
      continue;
    }
    // copies of the line, up to the input size bound
    const copies = Math.min(1 + int(r, r() < 0.1 ? 5000 : 3), Math.floor((MAX_INPUT_BYTES - size) / (line.length + 1)));
    if (copies <= 0) continue;
    lines.splice(at, 0, ...Array<string>(copies).fill(line));
    size += copies * (line.length + 1);
  }
  return lines.join('\n');
}

/** The message wrapped as message/rfc822 inside bounces, many levels deep. */
function nest(s: string, r: Rand): string {
  let out = s;
  const depth = 1 + int(r, r() < 0.2 ? 200 : 12);
  for (let i = 0; i < depth; i++) {
    const b = `nest${i}`;
    out = `From: MAILER-DAEMON@example.net\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary="${b}"\n\n--${b}\nContent-Type: text/plain\n\nfailed.\n--${b}\nContent-Type: message/rfc822\n\n${out}\n--${b}--\n`;
  }
  return out;
}

/** One text part re-encoded as base64 or quoted-printable (with a changed charset sometimes). */
function reencode(s: string, r: Rand): string {
  const split = s.indexOf('\n\n');
  if (split === -1) return s;
  const head = s.slice(0, split).replace(/\ncontent-transfer-encoding:[^\n]*/gi, '');
  const body = s.slice(split + 2);
  if (r() < 0.5) {
    const b64 = Buffer.from(body, 'latin1').toString('base64').replace(/.{76}/g, '$&\n');
    return `${head}\nContent-Transfer-Encoding: base64\n\n${b64}\n`;
  }
  const qp = body.replace(/[=\x80-\xff]/g, (c) => '=' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  const charset = pick(r, ['utf-8', 'iso-8859-1', 'shift_jis', 'x-unknown', 'iso-2022-jp', '']);
  return `${head.replace(/charset="?[^";\s]*"?/i, `charset=${charset}`)}\nContent-Transfer-Encoding: quoted-printable\n\n${qp}\n`;
}

/** Many recipients: the DSN groups (or To: lines) repeated with distinct addresses. */
function manyRecipients(s: string, r: Rand): string {
  const n = 100 + int(r, 10000);
  const group = (i: number) =>
    `Final-Recipient: rfc822; user${i}@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <user${i}@example.com>: unknown\n\n`;
  const at = s.search(/^Final-Recipient:/im);
  let groups = '';
  for (let i = 0; i < n; i++) groups += group(i);
  if (at !== -1) return s.slice(0, at) + groups + s.slice(at);
  const tos = Array.from({ length: n }, (_, i) => `user${i}@example.com`).join(', ');
  return (
    s.replace(/^To:[^\n]*/im, `To: ${tos}`) +
    `\n${Array.from({ length: Math.min(n, 3000) }, (_, i) => `<user${i}@example.com>: 550 5.1.1 unknown user`).join('\n')}\n`
  );
}

function chaoticLineEnds(s: string, r: Rand): string {
  return s.replace(/\n/g, () => pick(r, LINE_ENDS));
}

function longLine(s: string, r: Rand): string {
  const at = int(r, s.length + 1);
  const ch = pick(r, ['a', ' ', '=', '<', '@', '.', '-', 'A1', 'é', '\t']);
  return s.slice(0, at) + ch.repeat(10_000 + int(r, 500_000)) + s.slice(at);
}

const MUTATIONS: Record<string, (s: string, r: Rand) => string> = {
  truncate,
  'flip-bytes': flipBytes,
  'insert-junk': insertJunk,
  'token-run': tokenRun,
  'broken-boundaries': breakBoundaries,
  'dup-drop-lines': dupOrDropLines,
  nest,
  reencode,
  'many-recipients': manyRecipients,
  'chaotic-line-ends': chaoticLineEnds,
  'long-line': longLine,
};

// -------- generated hostile shapes --------

const HEAD =
  'From: MAILER-DAEMON@example.net\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\nDate: Mon, 2 Jan 2023 10:00:00 +0000\n';

const FIELD_RUN_UNITS = [
  '@',
  '@@',
  '@<',
  '<@',
  '@,',
  '@:',
  ':',
  ',',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  ';',
  '=',
  '"',
  "'",
  '.',
  '-',
  ' ',
  '\t',
  '\\',
  'a@',
  '@a',
  '.@',
  'a.',
  '-@',
  '::',
  '(a',
] as const;
const RUN_FIELDS = [
  { name: 'Final-Recipient', ds: true },
  { name: 'Original-Recipient', ds: true },
  { name: 'Action', ds: true },
  { name: 'Status', ds: true },
  { name: 'Remote-MTA', ds: true },
  { name: 'Diagnostic-Code', ds: true },
  { name: 'Last-Attempt-Date', ds: true },
  { name: 'Arrival-Date', ds: true },
  { name: 'X-Postfix-Sender', ds: true },
  { name: 'X-Original-Message-ID', ds: true },
  { name: 'Return-Path', ds: false },
  { name: 'From', ds: false },
  { name: 'Sender', ds: false },
  { name: 'X-Envelope-From', ds: false },
  { name: 'Received', ds: false },
  { name: 'Date', ds: false },
  { name: 'Subject', ds: false },
  { name: 'X-Failed-Recipients', ds: false },
] as const;

// Recipient-line shapes: what the generic recipient-line patterns look for before and after an address (a built
// pattern was cubic over "address + a run of blanks": 27 s for a 66 KB message; Sendmail's marker quadratic over a
// line of dashes). A line stays under the 1,000 characters those patterns read.
const LINE_LEADS = [
  '',
  '  ',
  '* ',
  '<',
  '"',
  'RCPT TO:',
  'Recipient: ',
  'failed: ',
  'Delivery failed 3 x: ',
  'to ',
] as const;
const LINE_RUN_UNITS = [' ', '\t', ' \t', '-', '.', '>', '"', 'a ', 'A\t', ':', '...', '-@', ' (', '[', '<a>'] as const;

const GENERATORS: Record<string, (r: Rand) => string> = {
  'encoded-words': (r) =>
    `${HEAD.replace('Subject: ', `Subject: ${'=?utf-8?b?'.repeat(1000 + int(r, 20000))}`)}\nfailed: <a@example.com> 550 5.1.1 unknown\n`,
  'encoded-words-body': (r) =>
    `${HEAD}\n${'=?utf-8?b?'.repeat(1000 + int(r, 20000))}\n<a@example.com>: 550 5.1.1 unknown\n`,
  brackets: (r) =>
    `${HEAD}\n${pick(r, ['<', '[', '(', '<<>', '<a@', '"'] as const).repeat(10_000 + int(r, 200_000))}\n`,
  'blank-lines': (r) => `${HEAD}\n${'\n'.repeat(10_000 + int(r, 200_000))}<a@example.com>: 550 5.1.1 unknown\n`,
  'boundary-lines': (r) =>
    `${HEAD}Content-Type: multipart/mixed; boundary="b"\n\n${'--b\n'.repeat(10_000 + int(r, 100_000))}--b--\n`,
  'nested-multipart': (r) => {
    const d = 50 + int(r, 2000);
    let s = '';
    for (let i = 0; i < d; i++) s += `--b${i}\nContent-Type: multipart/mixed; boundary="b${i + 1}"\n\n`;
    return `${HEAD}Content-Type: multipart/mixed; boundary="b0"\n\n${s}\nfailed <a@example.com>\n`;
  },
  'header-flood': (r) =>
    `${Array.from({ length: 5000 + int(r, 30000) }, (_, i) => `X-H${i}: ${'v'.repeat(int(r, 40))}`).join('\n')}\n${HEAD}\nbody\n`,
  'folded-header': (r) => `${HEAD}Received: from a\n${' by b\n'.repeat(10_000 + int(r, 100_000))}\nbody\n`,
  'ds-flood': (r) =>
    `${HEAD}Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: message/delivery-status\n\n${Array.from({ length: 1000 + int(r, 20000) }, (_, i) => `Final-Recipient: rfc822; <u${i}@example.com>\nStatus: 5.1.1\nAction: failed\nDiagnostic-Code: smtp; 550-5.1.1 ${'x '.repeat(int(r, 30))}`).join('\n')}\n--b--\n`,
  'smtp-transcript': (r) =>
    `${HEAD}\n${Array.from({ length: 1000 + int(r, 20000) }, (_, i) => `>>> RCPT TO:<u${i}@example.com>\n<<< 550-5.1.1 no`).join('\n')}\n`,
  binary: (r) => randomBytes(r, 1 + int(r, 60000)),
  'binary-body': (r) => `${HEAD}\n${randomBytes(r, 1 + int(r, 60000))}`,
  'html-flood': (r) =>
    `${HEAD}Content-Type: text/html\n\n${'<table><tr><td>'.repeat(5000 + int(r, 30000))}550 5.7.1 &#x41;&amp;${'</td>'.repeat(int(r, 10000))}\n`,
  'qp-soft-breaks': (r) =>
    `${HEAD}Content-Transfer-Encoding: quoted-printable\n\n${'=\n'.repeat(10_000 + int(r, 200_000))}<a@example.com> 550 5.1.1\n`,
  'long-address': (r) =>
    `${HEAD}\n<${'a'.repeat(10_000 + int(r, 300_000))}@${'b.'.repeat(int(r, 100_000))}com>: 550 5.1.1 unknown\n`,
  // long runs of address characters or dots with no "@" where the parser looks for addresses: the delivery-status
  // fields, X-Failed-Recipients and a transcript answer (a leading character-class run made these quadratic)
  'field-runs': (r) => {
    const run = pick(r, ['a', '.', '-', 'a.', '>', '"'] as const).repeat(500 + int(r, 3000));
    const groups = Array.from(
      { length: 1 + int(r, 60) },
      (_, i) =>
        `Final-Recipient: rfc822; ${pick(r, ['', 'x@', '<', '"'] as const)}${run}${i}\nAction: failed\nStatus: 5.1.1\n`,
    ).join('\n');
    return `${HEAD}X-Failed-Recipients: ${run}\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\n>>> RCPT TO:<a@example.com>\n<<< 550 ${run}\n--b\nContent-Type: message/delivery-status\n\n${groups}\n--b--\n`;
  },
  // A short-to-medium run of one delimiter (or a pair) as the whole value of one field the parser reads: the shape
  // that finds backtracking between two quantifiers over overlapping classes. Forty '@' in Final-Recipient took the
  // source-route pattern 15 s; the long-line mutation's runs (10,000+ characters) are cut at 2,000 and rarely land
  // in a field value.
  'field-char-runs': (r) => {
    const unit = pick(r, FIELD_RUN_UNITS);
    const run = unit.repeat(Math.ceil((8 + int(r, 4000)) / unit.length));
    const field = pick(r, RUN_FIELDS);
    const value = `${pick(r, ['', 'rfc822; ', 'rfc822;<', 'dns; ', 'smtp; 550 ', '<'] as const)}${run}${pick(r, ['', '>', ':', 'x', '\n'] as const)}`;
    const ds = `Reporting-MTA: dns; mx.example.net\n\n${field.ds ? `${field.name}: ${value}\n` : ''}Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n`;
    const head = field.ds ? HEAD : `${field.name}: ${value}\n${HEAD}`;
    return `${head}Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\n${field.ds ? '' : value}\n--b\nContent-Type: message/delivery-status\n\n${ds}\n--b--\n`;
  },
  'recipient-line-runs': (r) => {
    const unit = pick(r, LINE_RUN_UNITS);
    const lines: string[] = [];
    for (let i = 0, n = 10 + int(r, 60); i < n; i++) {
      const lead = pick(r, LINE_LEADS);
      const run = unit.repeat(Math.ceil((100 + int(r, 880)) / unit.length));
      lines.push(
        `${lead}u${i}@example.com${run}${pick(r, ['', 'x', ':', ' (generated from a)', ']'] as const)}`.slice(0, 995),
      );
    }
    const marker = pick(r, [
      '',
      'The following address(es) failed:\n\n',
      '----- Transcript of session follows -----\n',
    ] as const);
    return `${HEAD}\nSorry, we could not deliver your message.\n${marker}${lines.join('\n')}\n`;
  },
  'spaces-line': (r) =>
    `${HEAD}\n${' '.repeat(10_000 + int(r, 500_000))}x\nDiagnostic-Code: smtp;${' '.repeat(10_000 + int(r, 200_000))}550\n`,
};

function randomBytes(r: Rand, n: number): string {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 256);
  return b.toString('latin1');
}

/** Cap every input below 1 MB (the bound the issue sets the time limit for). */
export const MAX_INPUT_BYTES = 1_000_000;

/**
 * The i-th input of a run: mostly mutations (one to three stacked) of a base message, one in eight a generated
 * hostile shape. Bytes are latin1 (one char per byte) throughout.
 */
export function makeInput(bases: readonly { name: string; bytes: Buffer }[], seed: number, index: number): FuzzInput {
  const r = rng((seed * 0x9e3779b1) ^ index);
  if (bases.length === 0 || r() < 0.125) {
    const name = pick(r, Object.keys(GENERATORS));
    return { kind: `gen:${name}`, base: '', bytes: cap(GENERATORS[name](r)) };
  }
  const base = pick(r, bases);
  let s = base.bytes.toString('latin1');
  const kinds: string[] = [];
  const n = 1 + (r() < 0.3 ? int(r, 3) : 0);
  for (let i = 0; i < n; i++) {
    const name = pick(r, Object.keys(MUTATIONS));
    kinds.push(name);
    s = MUTATIONS[name](s, r);
    if (s.length > MAX_INPUT_BYTES) s = s.slice(0, MAX_INPUT_BYTES);
  }
  return { kind: kinds.join('+'), base: base.name, bytes: cap(s) };
}

function cap(s: string): Buffer {
  return Buffer.from(s.length > MAX_INPUT_BYTES ? s.slice(0, MAX_INPUT_BYTES) : s, 'latin1');
}

export const MUTATION_NAMES = Object.keys(MUTATIONS);
export const GENERATOR_NAMES = Object.keys(GENERATORS);

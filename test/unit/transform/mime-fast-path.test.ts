// The Content-Type fast path must give what libmime's general parser gives, and step aside when unsure.
import { createRequire } from 'node:module';
import test from 'ava';
import { simpleHeaderValue } from '../../../transform/mime.ts';

const lm = createRequire(import.meta.url)('libmime') as { default?: unknown; parseHeaderValue?: unknown };
const mime = (lm.default ?? lm) as { parseHeaderValue(s: string): { value: string; params: Record<string, string> } };

const simple = [
  'text/plain; charset=us-ascii',
  'text/plain; charset="utf-8"; format=flowed',
  'multipart/report; report-type=delivery-status;\tboundary="=_abc/def.example.com"',
  'TEXT/Plain ; Charset = US-ASCII ',
  'multipart/mixed; boundary=b; boundary=c',
  'message/delivery-status',
  'text/plain;',
  'multipart/alternative; boundary="----=_Part_1_2.3"',
];
for (const v of simple) {
  test(`fast path = libmime: ${v}`, (t) => {
    const fast = simpleHeaderValue(v);
    t.truthy(fast);
    const ref = mime.parseHeaderValue(v);
    t.is(fast!.value.toLowerCase(), ref.value.trim().toLowerCase());
    t.deepEqual({ ...fast!.params }, { ...ref.params });
  });
}

for (const v of [
  "text/plain; name*=utf-8''%E2%82%AC.txt",
  'text/plain; name="a\\"b"',
  'text/plain (comment); charset=us-ascii',
  'text/plain; filename*0="a"; filename*1="b"',
]) {
  test(`unusual values go to libmime: ${v}`, (t) => {
    t.is(simpleHeaderValue(v), null);
  });
}

// The scanner replaced these two regular expressions; it must accept the same values and give the same params.
const SIMPLE_VALUE = /^\s*([\w.+-]+\/[\w.+-]+)\s*((?:;\s*[\w.-]+\s*=\s*(?:"[^"\\]*"|[^\s;"()\\]+)\s*)*);?\s*$/;
const SIMPLE_PARAM = /;\s*([\w.-]+)\s*=\s*(?:"([^"\\]*)"|([^\s;"()\\]+))/g;
function byRegex(raw: string): { value: string; params: Record<string, string> } | null {
  const m = SIMPLE_VALUE.exec(raw);
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(SIMPLE_PARAM)) {
    const key = p[1].toLowerCase();
    if (!Object.hasOwn(params, key)) params[key] = p[2] ?? p[3] ?? '';
  }
  return { value: m[1], params };
}

test('scanner = the regular expressions it replaced, on 20,000 generated values', (t) => {
  const pieces = [
    'text/plain',
    'multipart/report',
    'a.b+c-d/x_y',
    '/',
    ';',
    ';',
    '; ',
    ' ; ',
    '=',
    ' = ',
    '"',
    '"q;x=y"',
    '\\',
    '(',
    ')',
    'charset',
    'Boundary',
    'b',
    'x.y-z',
    'us-ascii',
    '=_abc/def',
    '\t',
    ' ',
    '\n',
    '\u00a0',
    '\u3000',
    '\ufeff',
    '\u2028',
    'é',
    '*',
    "'",
    '',
    'report-type=delivery-status',
    'name="a b"',
    '""',
  ];
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let accepted = 0;
  for (let k = 0; k < 20_000; k++) {
    let v = rand(3) === 0 ? '' : pieces[rand(2)];
    for (let n = rand(12); n > 0; n--) v += pieces[rand(pieces.length)];
    const want = byRegex(v);
    const got = simpleHeaderValue(v);
    if (want) accepted++;
    if (JSON.stringify(got) !== JSON.stringify(want)) return t.fail(JSON.stringify(v));
  }
  t.true(accepted > 1000, `only ${accepted} accepted values generated`);
});

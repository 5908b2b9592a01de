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

// Encoded words decoded without libmime (one B word in UTF-8 or ISO-2022-JP) must give what libmime gives.
import { createRequire } from 'node:module';
import test from 'ava';
import { decodeOneWord } from '../../../transform/mime.ts';

const lm = createRequire(import.meta.url)('libmime') as { default?: unknown; decodeWords?: unknown };
const libmime = (lm.default ?? lm) as { decodeWords(s: string): string };

const ESC = 0x1b;
const word = (charset: string, bytes: number[], pad = true) => {
  const b64 = Buffer.from(bytes).toString('base64');
  return `=?${charset}?B?${pad ? b64 : b64.replace(/=+$/, '')}?=`;
};

test('every JIS X 0208 code the fast path decodes is decoded as libmime decodes it', (t) => {
  let fast = 0;
  for (const intro of [0x42, 0x40]) {
    for (let a = 0x21; a <= 0x7e; a++) {
      for (let b = 0x21; b <= 0x7e; b++) {
        const v = word('iso-2022-jp', [ESC, 0x24, intro, a, b, ESC, 0x28, 0x42]);
        const got = decodeOneWord(v);
        if (got === null) continue;
        fast++;
        if (got !== libmime.decodeWords(v)) return t.fail(`${a.toString(16)}${b.toString(16)}`);
      }
    }
  }
  t.true(fast > 13_000, `${fast} codes on the fast path`);
});

test('fast path = libmime on 20,000 generated values', (t) => {
  let seed = 5;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const jisBytes = () => {
    const out: number[] = [];
    for (let n = rand(6); n > 0; n--) {
      const kind = rand(10);
      if (kind < 4) for (let k = rand(5) + 1; k > 0; k--) out.push(0x20 + rand(0x5f));
      else if (kind < 7) {
        out.push(ESC, 0x24, rand(4) ? 0x42 : 0x40);
        for (let k = rand(4) + 1; k > 0; k--) out.push(0x21 + rand(0x54), 0x21 + rand(0x5e));
        if (rand(6)) out.push(ESC, 0x28, 0x42);
      } else if (kind === 7) out.push(ESC, 0x28, rand(2) ? 0x4a : 0x42);
      else if (kind === 8) out.push(ESC, 0x24, 0x28, 0x44, 0x22, 0x2f);
      else out.push(rand(256));
    }
    return out;
  };
  const utf8Bytes = () => {
    const text = ['abc', 'é', '日本語', '😀', ' ', '?', '='][rand(7)].repeat(rand(3) + 1);
    const bytes = [...Buffer.from(text)];
    if (rand(5) === 0) bytes.push(0x80 + rand(0x80));
    return bytes;
  };
  const prefixes = ['', 'Subject text ', '"', 'Re: ', '=?', 'a?b '];
  const suffixes = ['', ' <a@example.com>', '"', ' more', ' =?utf-8?B?YQ==?=', '?='];
  let fast = 0;
  for (let k = 0; k < 20_000; k++) {
    const charset = ['utf-8', 'UTF-8', 'utf8', 'iso-2022-jp', 'ISO-2022-JP', 'iso-8859-1', 'utf-8*en'][rand(7)];
    const bytes = charset.toLowerCase().startsWith('iso-2022') ? jisBytes() : utf8Bytes();
    let v = prefixes[rand(prefixes.length)] + word(charset, bytes, rand(3) > 0) + suffixes[rand(suffixes.length)];
    if (rand(10) === 0) v = v.replace('?B?', '?b?');
    const got = decodeOneWord(v);
    if (got === null) continue;
    fast++;
    if (got !== libmime.decodeWords(v)) return t.fail(JSON.stringify(v));
  }
  t.true(fast > 3_000, `${fast} values on the fast path`);
});

test('several words, Q words and other charsets are left to libmime', (t) => {
  t.is(decodeOneWord('=?utf-8?B?YQ==?= =?utf-8?B?Yg==?='), null);
  t.is(decodeOneWord('=?utf-8?Q?caf=C3=A9?='), null);
  t.is(decodeOneWord('=?iso-8859-1?B?6Q==?='), null);
  t.is(decodeOneWord('=?utf-8?B?YQ==Yg==?='), null);
  t.is(decodeOneWord('=?utf-8?B?w6k=?= tail'), 'é tail');
});

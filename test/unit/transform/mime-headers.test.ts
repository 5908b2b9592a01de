// The header index (fields found in one pass, values unfolded and decoded when read) must give what the eager
// parser it replaced gave: that parser is kept here as the oracle and both read generated header blocks.
import { createRequire } from 'node:module';
import test from 'ava';
import { parseHeaderBlock } from '../../../transform/mime.ts';
import { MAX_HEADER_BYTES, MAX_HEADER_VALUE_CHARS } from '../../../transform/parse-limits.ts';

const lm = createRequire(import.meta.url)('libmime') as { default?: unknown; decodeWords?: unknown };
const libmime = (lm.default ?? lm) as { decodeWords(s: string): string };

function oracle(block: string): Map<string, string[]> {
  if (block.length > MAX_HEADER_BYTES) block = block.slice(0, MAX_HEADER_BYTES);
  const headers = new Map<string, string[]>();
  let name = '';
  let value = '';
  const flush = () => {
    if (!name) return;
    let v = value.trim();
    if (v.length > MAX_HEADER_VALUE_CHARS) v = v.slice(0, MAX_HEADER_VALUE_CHARS);
    if (/[\x80-\xff]/.test(v)) v = Buffer.from(v, 'latin1').toString('utf8');
    if (v.includes('=?')) {
      try {
        v = libmime.decodeWords(v);
      } catch {
        // kept as it is
      }
    }
    const list = headers.get(name);
    if (list) list.push(v);
    else headers.set(name, [v]);
  };
  for (const line of block.split('\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && name) {
      if (value.length < MAX_HEADER_VALUE_CHARS) value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[!-9;-~]+[ \t]*:/.test(line)) continue;
    flush();
    name = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  return headers;
}

const LINES = [
  'Subject: hello',
  'SUBJECT :  again  ',
  'subject:',
  'From: <a@example.com>',
  'Received: from a by b;',
  '\tMon, 1 Jan 2024 00:00:00 +0000',
  '  folded  ',
  ' ',
  'X-Mixed-Case\t: v',
  'garbage line without colon',
  ':no name',
  'bad name: x',
  'Date: =?utf-8?B?w6k=?= =?utf-8?Q?=C3=A9?=',
  'Subject: =?iso-8859-1?Q?caf=E9?=',
  'Subject: caf\xc3\xa9 8-bit',
  'Weird!#$%&*+-.^_`{|}~: ok',
  '',
  'To: x@example.com,',
  ' y@example.com',
  'X-Long: ' + 'a'.repeat(MAX_HEADER_VALUE_CHARS + 10),
  ' ' + 'b'.repeat(300),
  'x\u0130y: not a name',
  'İ: decoded text',
];

test('header index = the eager parser, on 5,000 generated blocks', (t) => {
  let seed = 11;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 5_000; k++) {
    const lines: string[] = [];
    for (let n = rand(14); n > 0; n--) lines.push(LINES[rand(LINES.length)]);
    const block = lines.join('\n') + (rand(2) ? '\n' : '');
    const want = oracle(block);
    const got = parseHeaderBlock(block);
    for (const name of [...want.keys(), 'subject', 'from', 'to', 'received', 'absent', 'Subject', '']) {
      if (JSON.stringify(got.get(name)) !== JSON.stringify(want.get(name))) {
        return t.fail(`${JSON.stringify(block)} ${name}: ${JSON.stringify(got.get(name))}`);
      }
    }
  }
  t.pass();
});

test('a header block past MAX_HEADER_BYTES is cut', (t) => {
  const block = 'A: 1\n' + 'X: '.padEnd(MAX_HEADER_BYTES, 'x') + '\nB: 2\n';
  t.is(parseHeaderBlock(block).get('b'), undefined);
  t.deepEqual(parseHeaderBlock(block).get('a'), ['1']);
});

// npm run bench:regex: the input bounds test/unit/regex-polynomial.json claims, measured end to end. For every
// pattern in transform/ that recheck finds polynomial (literal or built, scripts/regex-inventory.ts), its attack
// string, fitted to one line of the parser's caps, goes into whole messages the way a sender could place it:
//   text:    66 lines of it in a plain-text bounce, and after Exim's "following address(es) failed:" marker;
//   dsn:     as the value of each delivery-status field (on one line, folded every 60 characters, and followed by
//            10,000 folded blank lines) and of the Subject of a Postfix report;
// each message parsed warm (toBounceEventsSync), and the slowest per pattern printed, with the ratio to the same
// message carrying plain text of the same length in place of the attack (the reference, measured in the same run).
// Figures, no assertions: test/unit/regex-safety.test.ts is the check, this is what its bounds are based on.
import fs from 'node:fs';
import path from 'node:path';
import { checkSync } from 'recheck';
import { builtRegexes, regexLiterals, REPO_ROOT } from '../scripts/regex-inventory.ts';

// Before anything imports transform/: the hook must see the built patterns being built.
const built = await builtRegexes();
const { toBounceEventsSync } = await import('../transform/bounce-event.ts');
const { MAX_LINE_CHARS } = await import('../transform/parse-limits.ts');

const RECIPIENT_LINE = 990; // under text-report.ts's MAX_RECIPIENT_LINE (1,000): recipient-line patterns run on it
const fixture = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/lhost', name), 'latin1');
const EXIM = fixture('exim-01.eml');
const POSTFIX = fixture('postfix-01.eml');
const GENERIC =
  'From: MAILER-DAEMON@mx.example.org\nTo: a@example.com\nSubject: Undelivered Mail Returned to Sender\n' +
  'Date: Wed, 04 Mar 2026 08:00:05 +0000\n\nSorry, we could not deliver your message.\n\n';
const DSN_FIELDS = [
  'Final-Recipient: rfc822; ',
  'Action: ',
  'Status: ',
  'Remote-MTA: dns; ',
  'Diagnostic-Code: smtp; ',
];

interface Attack {
  pumps: { prefix: string; pump: string }[];
  suffix: string;
  string: string;
}

/** recheck's attack with its pumps repeated to about `chars` characters, on one line. */
function fit(a: Attack, chars: number): string {
  let s = a.string;
  if (a.pumps.length > 0) {
    const fixed = a.pumps.reduce((n, p) => n + p.prefix.length, 0) + a.suffix.length;
    const per = a.pumps.reduce((n, p) => n + p.pump.length, 0);
    const k = Math.max(1, Math.floor((chars - fixed) / per));
    s = a.pumps.map((p) => p.prefix + p.pump.repeat(k)).join('') + a.suffix;
  }
  s = s.replace(/[\r\n]+/g, ' ').slice(0, chars);
  // recipient-line patterns only run on a line with an '@'
  return s.includes('@') ? s : s.slice(0, chars - 8) + ' x@y.zz';
}

/** The messages one attack line goes into. */
function placements(line: string, long: string): [string, string][] {
  const lines = Array.from({ length: 66 }, () => line).join('\n');
  // replacer functions: an attack string may hold "$&" and the like
  const out: [string, string][] = [
    ['text', GENERIC + lines + '\n'],
    ['exim', EXIM.replace('failed:\n\n', () => `failed:\n\n${lines}\n`)],
    ['subject', POSTFIX.replace(/^Subject: .*$/m, () => `Subject: ${long}`)],
  ];
  // a field's value may be folded over many lines (a folded Action of 10,000 blank lines was quadratic)
  const folded = long.replace(/(.{60})/g, '$1\n ');
  const blankFolds = `${long.slice(0, 200)}${'\n '.repeat(10_000)}x`;
  for (const field of DSN_FIELDS) {
    const name = field.split(':')[0];
    const at = new RegExp(`^${name}: .*$`, 'm');
    out.push([`dsn ${name}`, POSTFIX.replace(at, () => field + long)]);
    out.push([`dsn ${name} folded`, POSTFIX.replace(at, () => field + folded)]);
    out.push([`dsn ${name} blank folds`, POSTFIX.replace(at, () => field + blankFolds)]);
  }
  return out;
}

const plain = (chars: number) => 'lorem ipsum dolor sit amet '.repeat(Math.ceil(chars / 27)).slice(0, chars);
const options = { maxMessageBytes: 10 * 1024 * 1024, hashLocalPart: false };
function msPerParse(message: string): number {
  const bytes = Buffer.from(message, 'latin1');
  toBounceEventsSync(bytes, { receivedAt: new Date(0) }, options); // warm: the figure is the backtracking, not a compile
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    toBounceEventsSync(bytes, { receivedAt: new Date(0) }, options);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

const all = [...regexLiterals('transform'), ...built];
process.stdout.write(`bench:regex: ${all.length} patterns in transform/ (${built.length} built at run time)\n`);
const reference = Math.max(
  ...placements(plain(RECIPIENT_LINE), plain(MAX_LINE_CHARS - 40)).map(([, m]) => msPerParse(m)),
);
let worst = { ms: 0, where: '' };
let polynomial = 0;
for (const r of all) {
  const verdict = checkSync(r.source, r.flags, { timeout: 3000 });
  if (verdict.status !== 'vulnerable') continue;
  polynomial++;
  const attack = verdict.attack as unknown as Attack;
  let slowest = { ms: 0, place: '' };
  for (const [place, message] of placements(fit(attack, RECIPIENT_LINE), fit(attack, MAX_LINE_CHARS - 40))) {
    const ms = msPerParse(message);
    if (ms > slowest.ms) slowest = { ms, place };
  }
  const where = `${r.file}:${r.line}`;
  process.stdout.write(
    `${slowest.ms.toFixed(1).padStart(8)} ms  ${slowest.place.padEnd(22)} ${where} ${verdict.complexity.type}\n`,
  );
  if (slowest.ms > worst.ms) worst = { ms: slowest.ms, where: `${where} (${slowest.place})` };
}
process.stdout.write(
  `bench:regex: ${polynomial} polynomial patterns; slowest message ${worst.ms.toFixed(1)} ms (${worst.where}); ` +
    `the same messages with plain text ${reference.toFixed(1)} ms; ratio ${(worst.ms / reference).toFixed(1)}\n`,
);

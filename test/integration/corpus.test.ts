// The shared Sisimai corpus (BSD-2, not in the repo): recall, no throws, line-end invariance, non-bounces skipped.
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toBounceEventsSync, type TransformResult } from '../../transform/bounce-event.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/sisimai/maildir');
const present = existsSync(path.join(corpus, 'bsd'));
const origin = { receivedAt: new Date('2026-01-01T00:00:00Z') };
const options = { maxMessageBytes: 64 << 20 };
/** arf-* are complaint reports and rfc3834-* auto-replies: not bounces, they must be skipped. */
const NOT_BOUNCE = /^(?:arf|rfc3834)-/;
/** A person's mail forwarding a bounce inline ("Fwd:", "Begin forwarded message:", quoted with "> "): no bounce. */
const FORWARDED_BY_A_PERSON = new Set(['lhost-sendmail-14.eml']);

const files = (dir: string) =>
  readdirSync(path.join(corpus, dir))
    .filter((f) => f.endsWith('.eml'))
    .sort();
const parse = (bytes: Buffer): TransformResult => toBounceEventsSync(bytes, origin, options);

if (!present) {
  test('corpus', (t) => t.pass(`skipped: ${corpus} is absent (the shared Sisimai corpus is not part of the repo)`));
} else {
  test('bsd/: every bounce file parses without throwing, ≥95% yield a recipient', (t) => {
    const bounces = files('bsd').filter((f) => !NOT_BOUNCE.test(f) && !FORWARDED_BY_A_PERSON.has(f));
    const failures: string[] = [];
    for (const f of bounces) {
      const r = parse(readFileSync(path.join(corpus, 'bsd', f)));
      if (r.kind !== 'ok' || r.events.length === 0)
        failures.push(`${f}: ${r.kind}${r.kind === 'ok' ? '' : ` ${r.reason}`}`);
    }
    const rate = 1 - failures.length / bounces.length;
    t.log(
      `recipients found in ${(100 * rate).toFixed(1)}% of ${bounces.length} bounce files; without: ${failures.join(', ') || 'none'}`,
    );
    t.true(rate >= 0.95, `rate ${(100 * rate).toFixed(1)}% < 95%; failures:\n${failures.join('\n')}`);
  });

  test('bsd/: LF, CRLF and CR variants of every file give identical results', (t) => {
    const differ: string[] = [];
    for (const f of files('bsd')) {
      const lf = readFileSync(path.join(corpus, 'bsd', f))
        .toString('latin1')
        .replace(/\r\n?/g, '\n');
      const base = JSON.stringify(parse(Buffer.from(lf, 'latin1')));
      const crlf = JSON.stringify(parse(Buffer.from(lf.replace(/\n/g, '\r\n'), 'latin1')));
      const cr = JSON.stringify(parse(Buffer.from(lf.replace(/\n/g, '\r'), 'latin1')));
      if (crlf !== base || cr !== base) differ.push(f);
    }
    t.deepEqual(differ, []);
  });

  test('bsd/: auto-replies and feedback reports are skipped, never events', (t) => {
    const wrong = files('bsd')
      .filter((f) => NOT_BOUNCE.test(f))
      .filter((f) => parse(readFileSync(path.join(corpus, 'bsd', f))).kind !== 'skip');
    t.deepEqual(wrong, []);
  });

  test('bsd/: a bounce a person forwarded inline is skipped as not_a_bounce', (t) => {
    for (const f of FORWARDED_BY_A_PERSON)
      t.like(parse(readFileSync(path.join(corpus, 'bsd', f))), { kind: 'skip', reason: 'not_a_bounce' }, f);
  });

  // rb-issue-368-bug.eml is an automatic "reject reason: Mailbox full / target mail address: …" notice with an
  // unquoted mbox postmark inside; read as one message it is a real bounce, and we report it as one.
  const BOUNCE_IN_NOT: Record<string, string> = { 'rb-issue-368-bug.eml': 'xxxx@yyyyyy.net' };

  test('not/: non-bounces yield skip', (t) => {
    const results = files('not').map((f) => [f, parse(readFileSync(path.join(corpus, 'not', f)))] as const);
    t.true(results.length > 0);
    for (const [f, r] of results) {
      if (f in BOUNCE_IN_NOT) {
        t.is(r.kind === 'ok' ? r.events.map((e) => e.recipient).join(',') : r.kind, BOUNCE_IN_NOT[f], f);
      } else {
        t.is(r.kind, 'skip', `${f}: ${r.kind}`);
      }
    }
  });

  test('err/: damaged files never throw', (t) => {
    for (const f of files('err')) {
      const r = parse(readFileSync(path.join(corpus, 'err', f)));
      t.true(['ok', 'skip', 'dlq'].includes(r.kind), f);
    }
  });
}

// A seeded fuzz run as part of npm test: mutated bounces (corpus when present, our fixtures always) and generated
// hostile shapes must not throw, must not be dead-lettered as parse_failed and must give only valid fields.
// Times belong to `npm run fuzz` (a benchmark-style run), not to this test.
import test from 'ava';
import { toBounceEventsSync } from '../../transform/bounce-event.ts';
import { loadBases } from '../../scripts/fuzz/bases.ts';
import { checkResult, eventProblems } from '../../scripts/fuzz/check.ts';
import { makeInput } from '../../scripts/fuzz/mutate.ts';

const SEED = 20261202;
const N = 2000;
const origin = { receivedAt: new Date('2026-01-01T00:00:00Z') };
const options = { maxMessageBytes: 10 << 20 };

test(`fuzz: ${N} seeded inputs give no throw, no parse_failed and only valid fields`, (t) => {
  const bases = loadBases(true);
  t.true(bases.length > 0, 'the fixtures are there');
  const failures: string[] = [];
  const kinds = new Map<string, number>();
  for (let i = 0; i < N; i++) {
    const input = makeInput(bases, SEED, i);
    const verdict = checkResult(() => toBounceEventsSync(input.bytes, origin, options));
    if (verdict.ok) continue;
    failures.push(`#${i} ${input.kind} ${input.base}: ${verdict.kind}: ${verdict.detail.slice(0, 200)}`);
    kinds.set(verdict.kind, (kinds.get(verdict.kind) ?? 0) + 1);
  }
  t.deepEqual(failures, []);
});

test('fuzz: the checks reject what they should', (t) => {
  const event = {
    event_id: 'x',
    received_at: 'yesterday',
    bounced_at: '2026-13-45 99:00:00',
    reporting_mta: '',
    remote_mta: '',
    mta_kind: 'rfc3464',
    sending_ip: '300.1.1.1',
    sending_prefix: '',
    listed_ip: 'no',
    sender_domain: '',
    account: '',
    recipient: 'nobody',
    sender: `${'x'.repeat(400)}@example.org`,
    recipient_domain: '',
    action: 'junk',
    status: '5.1',
    reply_code: 99,
    diagnostic: 'é'.repeat(600),
    reason: 'nonsense',
    category: 'other',
    provider: 'other',
    ms_code: '',
    ms_rule: '',
    adjustments: [],
    kafka_partition: 0,
    kafka_offset: 0,
  } as never;
  const fields = eventProblems(event).map((p) => p.split(':')[0]);
  for (const f of [
    'event_id',
    'received_at',
    'bounced_at',
    'sending_ip',
    'listed_ip',
    'status',
    'reply_code',
    'action',
    'reason',
    'recipient',
    'diagnostic',
    'sender',
  ]) {
    t.true(fields.includes(f), `${f} is checked`);
  }
  t.like(
    checkResult(() => {
      throw new Error('boom');
    }),
    { ok: false, kind: 'throw' },
  );
  t.like(
    checkResult(() => ({ kind: 'dlq', reason: 'parse_failed', error: 'x' })),
    { ok: false, kind: 'parse_failed' },
  );
});

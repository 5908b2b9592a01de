import test from 'ava';
import type { DeadLetter, DeadLetterWriter } from '../../ingest/dead-letter.ts';
import { dlqHeaders } from '../../ingest/dead-letter.ts';
import type { Processed } from '../../ingest/sink.ts';
import { Batcher, createSink, fileDedupToken, kafkaDedupToken, retryDelayMs } from '../../ingest/sink.ts';
import { accountingLine, balanced, parseAccounting } from '../../ingest/accounting.ts';
import { StoreWriteError } from '../../shared/errors.ts';
import type { BounceEvent } from '../../transform/bounce-event.ts';
import { makeEvent } from '../helpers/events.ts';

const FAST = { initialDelayMs: 1, maxDelayMs: 2, jitter: 0 };

function rec(i: number): Processed['record'] {
  return {
    bytes: Buffer.from(`message ${i}`),
    source: `t/0/${i}`,
    receivedAt: new Date(0),
    partition: 0,
    offset: i,
    topic: 't',
  };
}
const ok = (i: number, events = 1): Processed => ({
  record: rec(i),
  result: { kind: 'ok', events: Array.from({ length: events }, () => makeEvent()), mtaKind: 'postfix' },
});
const skip = (i: number): Processed => ({
  record: rec(i),
  result: { kind: 'skip', reason: 'not_a_bounce', detail: '' },
});
const dlq = (i: number): Processed => ({
  record: rec(i),
  result: { kind: 'dlq', reason: 'mime_unparseable', stage: 'parse', error: 'bad' },
});

function collector(): DeadLetterWriter & { letters: DeadLetter[] } {
  const letters: DeadLetter[] = [];
  return {
    letters,
    target: 'memory',
    write: async (l) => {
      letters.push(...l);
    },
  };
}

test('a batch: events inserted once with the token, dead letters written, tally adds up', async (t) => {
  const calls: { rows: number; token: string }[] = [];
  const dl = collector();
  const sink = createSink({
    insert: async (ev, token) => {
      calls.push({ rows: ev.length, token });
    },
    deadLetters: dl,
    retry: FAST,
  });
  const tally = await sink.write([ok(1, 2), skip(2), dlq(3), ok(4)], kafkaDedupToken('t', 0, 1, 4));
  t.deepEqual(calls, [{ rows: 3, token: 't:0:1-4' }]);
  t.deepEqual(tally, {
    read: 4,
    stored: 2,
    events: 3,
    deadLettered: { mime_unparseable: 1 },
    skipped: { not_a_bounce: 1 },
    adjusted: {},
  });
  t.true(balanced(tally));
  t.is(dl.letters.length, 1);
  t.is(dl.letters[0].record.offset, 3);
});

test('retriable store errors are retried with the same rows and token, then succeed', async (t) => {
  const tokens: string[] = [];
  let failures = 2;
  const sink = createSink({
    insert: async (_ev, token) => {
      tokens.push(token);
      if (failures-- > 0) throw new StoreWriteError('timeout', true);
    },
    deadLetters: collector(),
    retry: FAST,
  });
  const tally = await sink.write([ok(1), ok(2)], 'tok');
  t.deepEqual(tokens, ['tok', 'tok', 'tok']);
  t.is(tally.stored, 2);
});

test('a store that stays down: the sink waits (one log line), commits nothing, and gives up only when abandoned', async (t) => {
  let calls = 0;
  const dl = collector();
  const lines: string[] = [];
  const sink = createSink({
    insert: async () => {
      calls++;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    },
    deadLetters: dl,
    retry: FAST,
    log: (l) => lines.push(l),
  });
  const err = await t.throwsAsync(sink.write([ok(1), dlq(2)], 'tok', { abandon: () => calls >= 50 }), {
    instanceOf: StoreWriteError,
  });
  t.true(err.retriable);
  t.is(calls, 50, 'no last attempt: it kept trying until abandoned');
  t.is(lines.filter((l) => l.includes('sink.store_unavailable waiting for')).length, 1, 'one line for the whole wait');
  t.is(dl.letters.length, 0, 'no partial acknowledgement: the DLQ write waits for the insert');
});

test('a store that comes back: the batch is stored once it is, with the same rows and token', async (t) => {
  const tokens: string[] = [];
  let down = 20;
  const lines: string[] = [];
  const sink = createSink({
    insert: async (_ev, token) => {
      tokens.push(token);
      if (down-- > 0)
        throw new StoreWriteError(
          'insert failed (241, unavailable: waiting for memory to be freed (memory limit))',
          true,
        );
    },
    deadLetters: collector(),
    retry: FAST,
    log: (l) => lines.push(l),
  });
  const tally = await sink.write([ok(1), ok(2)], 'tok');
  t.is(tally.stored, 2);
  t.is(tokens.length, 21);
  t.true(tokens.every((x) => x === 'tok'));
  t.regex(lines[0], /sink\.store_unavailable waiting for memory to be freed/);
  t.regex(lines[1], /sink\.store_back/);
});

test('a store rejection is narrowed down to the records that cause it; the rest is stored', async (t) => {
  const dl = collector();
  const batch = [ok(1), ok(2, 2), ok(3), skip(4), ok(5), ok(6), ok(7)];
  const bad = new Set<string>(
    [1, 5].flatMap((i) => (batch[i].result as { events: BounceEvent[] }).events.map((e) => e.event_id)),
  );
  const stored: string[] = [];
  const tokens = new Set<string>();
  const sink = createSink({
    insert: async (ev, token) => {
      t.false(tokens.has(token), 'every sub-batch has a token of its own');
      tokens.add(token);
      const refused = ev.find((e) => bad.has(e.event_id));
      if (refused)
        throw new StoreWriteError(
          'rejected',
          false,
          Object.assign(new Error(`Cannot parse input: ${refused.event_id}`), { code: '27' }),
        );
      stored.push(...ev.map((e) => e.event_id));
    },
    deadLetters: dl,
    retry: FAST,
  });
  const tally = await sink.write(batch, 'tok');
  t.is(tally.stored, 4);
  t.is(tally.events, 4);
  t.deepEqual(tally.deadLettered, { store_rejected: 2 });
  t.deepEqual(tally.skipped, { not_a_bounce: 1 });
  t.true(balanced(tally));
  t.deepEqual(dl.letters.map((l) => l.record.offset).sort(), [2, 6]);
  t.regex(dl.letters[0].error, /Cannot parse input/, "the engine's message, not ours");
  t.is(stored.length, 4);
  t.false(stored.some((id) => bad.has(id)));
});

test('adjusted events are counted in the tally', async (t) => {
  const e1 = makeEvent({ adjustments: ['date_in_future', 'cut:sender'] });
  const sink = createSink({ insert: async () => undefined, deadLetters: collector() });
  const tally = await sink.write(
    [{ record: rec(1), result: { kind: 'ok', events: [e1, makeEvent()], mtaKind: 'postfix' } }],
    'tok',
  );
  t.deepEqual(tally.adjusted, { date_in_future: 1, 'cut:sender': 1 });
});

test('no events → no insert at all', async (t) => {
  let calls = 0;
  const sink = createSink({
    insert: async () => {
      calls++;
    },
    deadLetters: collector(),
  });
  const tally = await sink.write([skip(1), dlq(2)], 'tok');
  t.is(calls, 0);
  t.is(tally.read, 2);
});

test('retry delays grow, are capped and stay within the jitter band', (t) => {
  const p = { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.3 };
  t.is(
    retryDelayMs(p, 1, () => 0.5),
    100,
  );
  t.is(
    retryDelayMs(p, 3, () => 0.5),
    400,
  );
  t.is(
    retryDelayMs(p, 10, () => 0.5),
    1000,
  );
  t.is(
    retryDelayMs(p, 1, () => 0),
    70,
  );
  t.is(
    retryDelayMs(p, 1, () => 1),
    130,
  );
});

test('Batcher closes on rows and on age, on rows only under a backlog', (t) => {
  let now = 0;
  const b = new Batcher(3, 1000, () => now);
  b.add(ok(1, 2));
  t.false(b.full());
  b.add(skip(2));
  t.false(b.full(), 'skips carry no rows');
  b.add(ok(3));
  t.true(b.full());
  t.is(b.take().length, 3);
  t.is(b.size, 0);
  b.add(skip(4));
  now = 999;
  t.false(b.full());
  now = 1000;
  t.true(b.full());
  t.false(b.full(true), 'with a backlog in hand, age does not close the batch');
  b.add(ok(5, 3));
  t.true(b.full(true), 'rows still do');
});

test('file dedup token: same events → same token, other events → other token', (t) => {
  const ev = (id: string): BounceEvent => makeEvent({ event_id: id });
  t.is(fileDedupToken([ev('a'), ev('b')]), fileDedupToken([ev('a'), ev('b')]));
  t.not(fileDedupToken([ev('a'), ev('b')]), fileDedupToken([ev('a'), ev('c')]));
  t.regex(fileDedupToken([ev('a')]), /^files:[0-9a-f]{32}$/);
});

test('DLQ headers name reason, stage, error, source topic, partition, offset and time', (t) => {
  const h = dlqHeaders(
    { record: rec(7), reason: 'mime_unparseable', stage: 'parse', error: 'x'.repeat(5000) },
    new Date('2026-01-02T03:04:05Z'),
  );
  t.like(h, {
    'dlq-reason': 'mime_unparseable',
    'dlq-stage': 'parse',
    'dlq-source-topic': 't',
    'dlq-partition': '0',
    'dlq-offset': '7',
    'dlq-at': '2026-01-02T03:04:05.000Z',
  });
  t.is(h['dlq-error'].length, 1000);
});

test('the accounting line round-trips and says whether it balances', (t) => {
  const line = accountingLine(
    'x',
    { read: 5, stored: 2, events: 3, deadLettered: { a: 1 }, skipped: { b: 1, c: 1 }, adjusted: {} },
    { lag: 0 },
  );
  t.is(line, 'x read=5 stored=2 events=3 dead_lettered=1 (a:1) skipped=2 (b:1,c:1) lag=0 balanced=yes');
  t.like(parseAccounting(line), { read: 5, stored: 2, dead_lettered: 1, skipped: 2 });
});

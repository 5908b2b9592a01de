import test from 'ava';
import { createPipeline } from '../../ingest/pipeline.ts';
import type { RawRecord } from '../../ingest/sources/raw-record.ts';
import { renderBounce, NOT_A_BOUNCE } from '../helpers/kafka.ts';

const OPTS = { maxMessageBytes: 64 * 1024 };
const record = (bytes: Buffer, offset = 5): RawRecord => ({
  bytes,
  source: `t/1/${offset}`,
  receivedAt: new Date('2026-01-01T00:00:00Z'),
  partition: 1,
  offset,
  topic: 't',
});

test('transform dlq results keep their reason and get the parse stage', async (t) => {
  const p = createPipeline(OPTS, async () => ({ kind: 'dlq', reason: 'mime_unparseable', error: 'bad header' }));
  t.deepEqual(await p(record(Buffer.from('x'))), {
    kind: 'dlq',
    reason: 'mime_unparseable',
    stage: 'parse',
    error: 'bad header',
  });
});

test('a transform that throws is a dead letter, not a crash', async (t) => {
  const p = createPipeline(OPTS, async () => {
    throw new TypeError('boom');
  });
  const r = await p(record(Buffer.from('x')));
  t.like(r, { kind: 'dlq', reason: 'transform_crashed', stage: 'parse' });
  t.regex((r as { error: string }).error, /TypeError: boom/);
});

test('ok with no events is counted as a skip', async (t) => {
  const p = createPipeline(OPTS, async () => ({ kind: 'ok', events: [], mtaKind: 'postfix' }));
  t.like(await p(record(Buffer.from('x'))), { kind: 'skip', reason: 'no_failed_recipients' });
});

test('the origin (Kafka partition and offset, receive time) reaches transform', async (t) => {
  let seen: unknown;
  const p = createPipeline(OPTS, async (_raw, origin) => {
    seen = origin;
    return { kind: 'skip', reason: 'x', detail: '' };
  });
  await p(record(Buffer.from('x'), 42));
  t.deepEqual(seen, { receivedAt: new Date('2026-01-01T00:00:00Z'), kafkaPartition: 1, kafkaOffset: 42 });
});

test('real transform: a fixture bounce gives one event with lineage; same bytes twice give equal output', async (t) => {
  const p = createPipeline(OPTS);
  const bytes = renderBounce({ recipient: 'u1@hotmail.com', ip: '198.51.100.7', code: 'S3150', queueId: 'ABC123' });
  const a = await p(record(bytes));
  const b = await p(record(Buffer.from(bytes)));
  t.deepEqual(a, b);
  if (a.kind !== 'ok') return t.fail(`expected ok, got ${JSON.stringify(a)}`);
  t.is(a.events.length, 1);
  t.like(a.events[0], {
    ms_code: 'S3150',
    listed_ip: '198.51.100.7',
    provider: 'microsoft',
    kafka_partition: 1,
    kafka_offset: 5,
  });
});

test('real transform: oversize → message_too_large, blank → dead letter, a plain mail → skip', async (t) => {
  const p = createPipeline(OPTS);
  t.like(await p(record(Buffer.alloc(OPTS.maxMessageBytes + 1, 'a'))), { kind: 'dlq', reason: 'message_too_large' });
  t.like(await p(record(Buffer.from(' \r\n'))), { kind: 'dlq' });
  t.like(await p(record(NOT_A_BOUNCE)), { kind: 'skip' });
});

test('events older than the retention are skipped with a reason, not stored to vanish', async (t) => {
  const event = (bounced_at: string) =>
    ({ bounced_at }) as unknown as import('../../transform/bounce-event.ts').BounceEvent;
  const now = () => new Date('2026-11-29T00:00:00Z');
  const transform = async () => ({
    kind: 'ok' as const,
    events: [event('2018-02-01 10:00:00'), event('2026-11-01 10:00:00')],
    mtaKind: 'postfix',
  });
  const p = createPipeline({ ...OPTS, retentionDays: 400, now }, transform);
  const partial = await p(record(Buffer.from('x')));
  t.is(partial.kind, 'ok');
  t.deepEqual(
    (partial as { events: { bounced_at: string }[] }).events.map((e) => e.bounced_at),
    ['2026-11-01 10:00:00'],
  );

  const old = createPipeline({ ...OPTS, retentionDays: 400, now }, async () => ({
    kind: 'ok' as const,
    events: [event('2018-02-01 10:00:00')],
    mtaKind: 'postfix',
  }));
  t.like(await old(record(Buffer.from('x'))), { kind: 'skip', reason: 'older_than_retention' });
});

// toBounceEvents: determinism, line ends, ids, times, local-part hashing, lineage.
import test from 'ava';
import { toBounceEvents } from '../../../transform/bounce-event.ts';
import { fixture } from '../../helpers/lhost-table.ts';

const origin = { receivedAt: new Date('2026-03-01T12:00:00.123Z'), kafkaPartition: 2, kafkaOffset: 4711 };
const options = { maxMessageBytes: 1 << 20 };

test('twice on the same bytes → equal output', async (t) => {
  const raw = fixture('postfix-01');
  t.deepEqual(await toBounceEvents(raw, origin, options), await toBounceEvents(raw, origin, options));
});

test('LF, CRLF and CR give the same events (and ids)', async (t) => {
  const lf = fixture('rfc3464-01').toString('latin1');
  const results = await Promise.all(
    [lf, lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r')].map((s) =>
      toBounceEvents(Buffer.from(s, 'latin1'), origin, options),
    ),
  );
  t.is(results[0].kind, 'ok');
  t.deepEqual(results[1], results[0]);
  t.deepEqual(results[2], results[0]);
});

test('a bounce dated later than received + the clock-skew allowance is clamped to received_at and marked', async (t) => {
  const result = await toBounceEvents(fixture('sendmail-01'), origin, { ...options, clockSkewMinutes: 60 });
  if (result.kind !== 'ok') return t.fail(result.kind);
  t.is(result.events[0].bounced_at, '2026-03-01 12:00:00');
  t.deepEqual(result.events[0].adjustments, ['date_in_future']);
  const within = await toBounceEvents(
    fixture('sendmail-01'),
    { ...origin, receivedAt: new Date('2026-03-05T08:00:00Z') },
    { ...options, clockSkewMinutes: 60 },
  );
  if (within.kind !== 'ok') return t.fail(within.kind);
  t.is(within.events[0].bounced_at, '2026-03-05 08:30:00', 'half an hour ahead is clock skew: kept as claimed');
  t.deepEqual(within.events[0].adjustments, []);
});

test('event ids: 32 hex, distinct per recipient, stable across runs', async (t) => {
  const result = await toBounceEvents(fixture('rfc3464-01'), origin, options);
  if (result.kind !== 'ok') return t.fail(result.kind);
  const ids = result.events.map((e) => e.event_id);
  for (const id of ids) t.regex(id, /^[0-9a-f]{32}$/);
  t.is(new Set(ids).size, ids.length);
  const other = await toBounceEvents(fixture('qmail-01'), origin, options);
  if (other.kind === 'ok') t.false(ids.includes(other.events[0].event_id));
});

test('times: received_at ISO with ms, bounced_at from Last-Attempt-Date in UTC', async (t) => {
  // the fixture's bounce is dated four days after this origin's receive time: allow that much clock skew here
  const result = await toBounceEvents(fixture('sendmail-01'), origin, { ...options, clockSkewMinutes: 5 * 1440 });
  if (result.kind !== 'ok') return t.fail(result.kind);
  t.is(result.events[0].received_at, '2026-03-01T12:00:00.123Z');
  t.is(result.events[0].bounced_at, '2026-03-05 08:30:00');
  t.is(result.events[0].kafka_partition, 2);
  t.is(result.events[0].kafka_offset, 4711);
});

test('bounced_at falls back to received_at when the message has no date at all', async (t) => {
  const raw = fixture('qmail-01')
    .toString('latin1')
    .replace(/^Date: .*\n/m, '');
  const result = await toBounceEvents(Buffer.from(raw, 'latin1'), origin, options);
  if (result.kind !== 'ok') return t.fail(result.kind);
  t.is(result.events[0].bounced_at, '2026-03-01 12:00:00');
});

test('hashLocalPart replaces the local part, keeps the domain', async (t) => {
  const result = await toBounceEvents(fixture('exim-01'), origin, { ...options, hashLocalPart: true });
  if (result.kind !== 'ok') return t.fail(result.kind);
  t.regex(result.events[0].recipient, /^[0-9a-f]{12}@example\.net$/);
  t.is(result.events[0].recipient_domain, 'example.net');
});

test('diagnostic is unfolded and capped at 1 KiB', async (t) => {
  const long = 'x'.repeat(3000);
  const raw = fixture('qmail-01').toString('latin1').replace('mailbox full', `mailbox full ${long}`);
  const result = await toBounceEvents(Buffer.from(raw, 'latin1'), origin, options);
  if (result.kind !== 'ok') return t.fail(result.kind);
  t.true(Buffer.byteLength(result.events[0].diagnostic) <= 1024);
  t.false(result.events[0].diagnostic.includes('\n'));
});

test('S3150 block-list bounce: the event carries the fields the postmaster needs', async (t) => {
  const result = await toBounceEvents(fixture('postfix-01'), origin, options);
  if (result.kind !== 'ok') return t.fail(result.kind);
  t.like(result.events[0], {
    recipient: 'bob@outlook.example.net',
    recipient_domain: 'outlook.example.net',
    status: '5.7.1',
    reply_code: 550,
    reporting_mta: 'mx1.example.com',
    sender: 'alice@example.com',
    sender_domain: 'example.com',
    mta_kind: 'postfix',
  });
  t.regex(result.events[0].diagnostic, /^550 5\.7\.1 Unfortunately, messages from \[198\.51\.100\.7\] weren't sent\./);
});

test('multi-line SMTP replies are joined: continuation prefixes do not split the receiver sentence', async (t) => {
  const raw = fixture('qmail-01')
    .toString('latin1')
    .replace(
      'Remote host said: 550 5.2.2 <heidi@example.net>: mailbox full',
      "Remote host said: 550-5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. Please contact your\n550-5.7.1 Internet service provider since part of their network is on our block list\n550 5.7.1 (S3150).",
    );
  const result = await toBounceEvents(Buffer.from(raw, 'latin1'), origin, options);
  if (result.kind !== 'ok') return t.fail(result.kind);
  t.regex(
    result.events[0].diagnostic,
    /your Internet service provider since part of their network is on our block list \(S3150\)\./,
  );
  t.is(result.events[0].status, '5.7.1');
  t.is(result.events[0].reply_code, 550);
});

test('HTML-only Exchange Online NDR (no delivery-status part): recipient and codes come from the HTML', async (t) => {
  const full = fixture('office365-01').toString('latin1');
  const htmlOnly =
    full.slice(0, full.indexOf('--ndr_9a8b7c6d\nContent-Type: message/delivery-status')) + '--ndr_9a8b7c6d--\n';
  const result = await toBounceEvents(Buffer.from(htmlOnly, 'latin1'), origin, options);
  if (result.kind !== 'ok') return t.fail(`${result.kind} ${result.reason}`);
  t.like(result.events[0], { recipient: 'leo@example.net', status: '5.7.606', reply_code: 550, mta_kind: 'office365' });
  t.regex(result.events[0].diagnostic, /banned sending IP \[203\.0\.113\.9\]/);
});

// Bad input never throws: it becomes a dlq or skip result, or parses as far as it can.
import test from 'ava';
import { toBounceEvents, type TransformResult } from '../../../transform/bounce-event.ts';
import { fixture } from '../../helpers/lhost-table.ts';

const origin = { receivedAt: new Date('2026-03-01T12:00:00.000Z') };
const run = (raw: Buffer | string, maxMessageBytes = 1 << 20): Promise<TransformResult> =>
  toBounceEvents(typeof raw === 'string' ? Buffer.from(raw) : raw, origin, { maxMessageBytes });

test('empty file → dlq empty_message', async (t) => {
  t.like(await run(''), { kind: 'dlq', reason: 'empty_message' });
  t.like(await run('\n\r\n  \n'), { kind: 'dlq', reason: 'empty_message' });
});

test('binary garbage → dlq mime_unparseable', async (t) => {
  const bytes = Buffer.alloc(4096);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  bytes[0] = 0x00;
  t.like(await run(bytes), { kind: 'dlq', reason: 'mime_unparseable' });
});

test('no header block → dlq mime_unparseable', async (t) => {
  t.like(await run('just some words\nand more words\n'), { kind: 'dlq', reason: 'mime_unparseable' });
});

test('oversize → dlq message_too_large naming the cap and the variable', async (t) => {
  const result = await run(fixture('postfix-01'), 1024);
  t.like(result, { kind: 'dlq', reason: 'message_too_large' });
  if (result.kind === 'dlq')
    t.regex(result.error, /message is \d+ bytes, over the cap of 1024 \(BOUNCE_MAX_MESSAGE_BYTES\)/);
});

test('broken boundary: the parts are still read as text', async (t) => {
  const raw = fixture('postfix-01')
    .toString('latin1')
    .replace('boundary="4F1A2B3C4D.1772532902/mx1.example.com"', 'boundary="not-the-boundary"');
  const result = await run(Buffer.from(raw, 'latin1'));
  t.is(result.kind, 'ok');
  if (result.kind === 'ok') t.is(result.events[0].recipient, 'bob@outlook.example.net');
});

test('unknown charset: decoded as UTF-8, recipient still found', async (t) => {
  const raw = fixture('qmail-01')
    .toString('latin1')
    .replace(
      'Subject: failure notice',
      'Subject: failure notice\nMIME-Version: 1.0\nContent-Type: text/plain; charset="x-no-such-charset"',
    );
  const result = await run(Buffer.from(raw + 'caf\xe9\n', 'latin1'));
  t.like(result, { kind: 'ok' });
  if (result.kind === 'ok') t.is(result.events[0].status, '5.2.2');
});

test('truncated DSN: the recipient group that is there is used', async (t) => {
  const full = fixture('sendmail-01').toString('latin1');
  const cut = full.slice(0, full.indexOf('Remote-MTA: DNS; mx.example.org'));
  const result = await run(cut);
  t.like(result, { kind: 'ok' });
  if (result.kind === 'ok')
    t.like(result.events[0], { recipient: 'frank@example.org', status: '5.1.1', action: 'failed' });
});

test('bounce-looking message with no recipient → dlq dsn_not_found', async (t) => {
  const raw =
    'From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\nDate: Tue, 3 Mar 2026 10:00:00 +0000\n\nSomething went wrong.\n';
  t.like(await run(raw), { kind: 'dlq', reason: 'dsn_not_found' });
});

test('auto-reply → skip auto_reply; ordinary mail → skip not_a_bounce; ARF → skip feedback_report', async (t) => {
  const vacation =
    'From: amy@example.com\nTo: ben@example.net\nSubject: Out of office: Re: plans\nAuto-Submitted: auto-replied\n\nI am away until Monday.\n';
  t.like(await run(vacation), { kind: 'skip', reason: 'auto_reply' });
  t.like(await run('From: amy@example.com\nTo: ben@example.net\nSubject: plans\n\nSee you.\n'), {
    kind: 'skip',
    reason: 'not_a_bounce',
  });
  const arf =
    'From: fbl@example.net\nTo: abuse@example.com\nSubject: complaint\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary="b"\n\n--b\nContent-Type: text/plain\n\nA complaint.\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n--b--\n';
  t.like(await run(arf), { kind: 'skip', reason: 'feedback_report' });
});

test('a report whose recipients were all delivered → skip delivery_notice', async (t) => {
  const raw =
    'From: MAILER-DAEMON@mx.example.com\nSubject: Successful Mail Delivery Report\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\nDelivered.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; ann@example.net\nAction: delivered\nStatus: 2.0.0\n--b--\n';
  t.like(await run(raw), { kind: 'skip', reason: 'delivery_notice' });
});

test('hostile input: a 4 MB single line with addresses parses in linear time (no catastrophic regex)', async (t) => {
  const line = 'Undeliverable x@example.net: '.padEnd(64, 'a ').repeat(65536);
  const raw = `From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\n\n${line}\n<bob@example.net>: 550 5.1.1 unknown\n`;
  const result = await run(raw, 64 << 20);
  t.like(result, { kind: 'ok' });
  if (result.kind === 'ok') t.true(result.events.some((e) => e.recipient === 'bob@example.net'));
});

// String bounds: every String column has a maximum; a longer value is cut visibly and the cut is recorded.
import test from 'ava';
import { boundStrings, CUT_MARKER, cutToBytes, STRING_LIMITS } from '../../../transform/bounds.ts';
import { toBounceEvents } from '../../../transform/bounce-event.ts';
import { makeEvent } from '../../helpers/events.ts';

test('a value within its limit is untouched; a longer one ends with the marker and fits the limit in bytes', (t) => {
  t.is(cutToBytes('short', 10), 'short');
  const cut = cutToBytes('x'.repeat(100_000), 320);
  t.true(cut.endsWith(CUT_MARKER));
  t.is(Buffer.byteLength(cut), 320);
  const multi = cutToBytes('ü'.repeat(1000), 101);
  t.true(Buffer.byteLength(multi) <= 101);
  t.false(multi.includes('\uFFFD'), 'no character split in half');
});

test('boundStrings cuts every over-long column and records each in adjustments', (t) => {
  const e = boundStrings(
    makeEvent({
      sender: `${'a'.repeat(100_000)}@example.net`,
      action: 'f'.repeat(100_000),
      diagnostic: 'd'.repeat(5000),
    }),
  );
  t.is(Buffer.byteLength(e.sender), STRING_LIMITS.sender);
  t.is(Buffer.byteLength(e.action), STRING_LIMITS.action);
  t.is(Buffer.byteLength(e.diagnostic), STRING_LIMITS.diagnostic);
  t.deepEqual(e.adjustments.sort(), ['cut:action', 'cut:diagnostic', 'cut:sender']);
  const fine = boundStrings(makeEvent());
  t.deepEqual(fine.adjustments, []);
});

test('a fuzzed bounce with a 100 KB sender and action: bounded in the events the transform returns', async (t) => {
  const huge = 'z'.repeat(100_000);
  const raw = Buffer.from(
    [
      'From: MAILER-DAEMON@mx.example.org',
      'To: sender@example.net',
      'Subject: Undelivered Mail Returned to Sender',
      'Date: Mon, 2 Mar 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'failed',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      `X-Postfix-Sender: rfc822; ${huge}@example.net`,
      '',
      'Final-Recipient: rfc822; bob@example.com',
      `Action: failed${huge}`,
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 no such user',
      '',
      '--b--',
      '',
    ].join('\r\n'),
  );
  const result = await toBounceEvents(
    raw,
    { receivedAt: new Date('2026-03-02T11:00:00Z') },
    { maxMessageBytes: 1 << 20 },
  );
  if (result.kind !== 'ok') return t.fail(`${result.kind}`);
  for (const e of result.events) {
    for (const [column, max] of Object.entries(STRING_LIMITS)) {
      t.true(
        Buffer.byteLength((e as unknown as Record<string, string>)[column]) <= max,
        `${column} within ${max} bytes`,
      );
    }
  }
});

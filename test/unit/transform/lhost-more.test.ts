// Lotus Notes "Failure Reasons" layout, ISO-2022-JP text in a delivery-status part that names no charset, and
// X-Unix diagnostics (a failed local mailer) — each through toBounceEvents down to the reason.
import test from 'ava';
import { toBounceEvents } from '../../../transform/bounce-event.ts';
import { reasonsByAddress } from '../../../transform/dsn/lhost/notes.ts';
import { fixture } from '../../helpers/lhost-table.ts';

async function events(file: string) {
  const result = await toBounceEvents(
    fixture(file),
    { receivedAt: new Date('2026-03-01T12:00:00Z') },
    { maxMessageBytes: 1 << 20 },
  );
  if (result.kind !== 'ok') throw new Error(`${file}: expected events, got ${result.kind}`);
  return new Map(result.events.map((e) => [e.recipient, e]));
}

test('Notes: the reason line above each address is its diagnostic', async (t) => {
  const byRcpt = await events('notes-01');
  t.is(byRcpt.get('alice@example.com')?.mta_kind, 'notes');
  t.is(byRcpt.get('alice@example.com')?.diagnostic, 'User not listed in public Name & Address Book');
  t.is(byRcpt.get('alice@example.com')?.reason, 'userunknown');
  t.is(byRcpt.get('bob@example.com')?.diagnostic, 'Message has exceeded maximum hop count');
  t.is(byRcpt.get('bob@example.com')?.reason, 'networkerror');
});

test('Notes: reasonsByAddress stops at the returned message', (t) => {
  const text =
    '------- Failure Reasons  --------\n\nNo route\na@example.com\n------- Returned Message --------\nTo reach us\nb@example.com\n';
  t.deepEqual([...reasonsByAddress(text)], [['a@example.com', 'No route']]);
});

test('Domino: ISO-2022-JP escapes in a delivery-status part without charset are decoded; "not in the directory" is userunknown', async (t) => {
  const e = (await events('domino-iso2022jp-01')).get('carol@example.co.jp');
  t.regex(e?.diagnostic ?? '', /Domino ディレクトリには見つかりません/);
  t.is(e?.reason, 'userunknown');
});

test('X-Unix diagnostics: a failed local mailer is mailererror unless the text names the cause', async (t) => {
  const byRcpt = await events('sendmail-xunix-01');
  t.is(byRcpt.get('dave@example.net')?.reason, 'mailererror');
  // delayed, but the cause is the local program's exit code, not a queue timeout
  t.is(byRcpt.get('erin@example.net')?.reason, 'mailererror');
  t.is(byRcpt.get('frank@example.net')?.reason, 'mailboxfull');
});

test('IMail-style "<reason>: <address>" lines: the words before the address are the diagnostic', async (t) => {
  const byRcpt = await events('imail-01');
  t.is(byRcpt.get('grace@example.com')?.diagnostic, 'Delivery failed 20 attempts');
  // the sending MTA gave up after its retries
  t.is(byRcpt.get('grace@example.com')?.reason, 'expired');
  t.is(byRcpt.get('heidi@example.com')?.reason, 'userunknown');
});

test('Postfix "Delivery report unavailable": no diagnostic from the notice boilerplate, reason undefined, pseudo status 5.0.900', async (t) => {
  const e = (await events('postfix-noreport-01')).get('pavel@example.org');
  t.is(e?.diagnostic, '');
  t.is(e?.reason, 'undefined');
  t.is(e?.status, '5.0.900');
});

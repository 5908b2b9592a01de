// The sending MTA's own bounce category (X-PowerMTA-BounceCategory) as a reason hint, and how classify() weighs it.
import test from 'ava';
import { classify } from '../../../transform/classify.ts';
import type { DsnFields, DsnRecipient } from '../../../transform/dsn-fields.ts';
import { parseDeliveryStatus } from '../../../transform/dsn/rfc3464.ts';

const fields: DsnFields = {
  mtaKind: 'powermta',
  reportingMta: 'pmta.example.net',
  recipients: [],
  original: { headers: '' },
  extra: {},
};

function rcpt(diagnostic: string, more: Partial<DsnRecipient> = {}): DsnRecipient {
  return {
    recipient: 'someone@example.org',
    action: 'failed',
    status: '',
    replyCode: 550,
    diagnostic,
    remoteMta: '',
    command: '',
    ...more,
  };
}

const DS = [
  'Reporting-MTA: dns; pmta.example.net',
  '',
  'Action: failed',
  'Final-Recipient: rfc822;alice@example.org',
  'Status: 5.2.1 (mailbox disabled, not accepting messages)',
  'Remote-MTA: dns;mx.example.org (192.0.2.25)',
  'Diagnostic-Code: smtp;550 5.2.1 <alice@example.org>... User Unknown',
  'X-PowerMTA-BounceCategory: bad-mailbox',
  '',
  'Action: failed',
  'Final-Recipient: rfc822;bob@example.com',
  'Status: 5.2.2',
  'Diagnostic-Code: smtp;552 5.2.2 Mailbox full',
  'X-PowerMTA-BounceCategory: Quota-Issues',
  '',
  'Action: failed',
  'Final-Recipient: rfc822;carol@example.net',
  'Status: 5.0.0',
  'Diagnostic-Code: smtp;550 rejected',
  'X-PowerMTA-BounceCategory: something-new',
  '',
].join('\n');

test('X-PowerMTA-BounceCategory is read per recipient into reasonHint; unknown categories give none', (t) => {
  const ds = parseDeliveryStatus(DS);
  t.deepEqual(
    ds.recipients.map((r) => [r.recipient, r.reasonHint]),
    [
      ['alice@example.org', 'userunknown'],
      ['bob@example.com', 'mailboxfull'],
      ['carol@example.net', undefined],
    ],
  );
});

test('"5.2.1 User Unknown" with no command is filtered by its code, unless the MTA that held the session says bad-mailbox', (t) => {
  const text = '550 5.2.1 <alice@example.org>... User Unknown';
  t.is(classify(rcpt(text, { status: '5.2.1' }), fields).reason, 'filtered');
  t.is(classify(rcpt(text, { status: '5.2.1', reasonHint: 'userunknown' }), fields).reason, 'userunknown');
});

test('a weak hint of another category does not overrule the text', (t) => {
  // the text says the mailbox is full: a userunknown hint (category recipient_unknown) loses
  t.is(
    classify(rcpt('552 5.2.2 Mailbox full', { status: '5.2.2', reasonHint: 'userunknown' }), fields).reason,
    'mailboxfull',
  );
  // no text rule at all: the weak hint is used as the last resort
  t.is(classify(rcpt('550 nope', { status: '', reasonHint: 'userunknown' }), fields).reason, 'userunknown');
});

test('IMail\'s "Invalid final delivery userid" is userunknown', (t) => {
  t.is(classify(rcpt('Invalid final delivery userid', { replyCode: 0 }), fields).reason, 'userunknown');
});

test('a coarse hint never overrules a rule that found something precise in the same category', (t) => {
  // PowerMTA's policy-related on a reverse-DNS refusal: requireptr (category policy) stays
  const ptr = rcpt('550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]', {
    status: '5.7.1',
    command: 'RCPT',
    reasonHint: 'policyviolation',
    reasonHintWeak: true,
  });
  t.is(classify(ptr, fields).reason, 'requireptr');
  // a coarse strong-looking hint marked weak does not beat a text rule of another category
  const dyn = rcpt('550 5.7.1 Mail from dynamic IP 192.0.2.1 refused', {
    status: '5.7.1',
    command: 'RCPT',
    reasonHint: 'policyviolation',
    reasonHintWeak: true,
  });
  t.is(classify(dyn, fields).reason, 'blocked');
  // bad-mailbox on "account disabled" text: suspend stays
  t.is(
    classify(
      rcpt('550 5.2.1 This account has been disabled', {
        status: '5.2.1',
        reasonHint: 'userunknown',
        reasonHintWeak: true,
      }),
      fields,
    ).reason,
    'suspend',
  );
});

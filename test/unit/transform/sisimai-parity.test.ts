// Rules added while comparing with Sisimai (docs/sisimai-comparison.md): the SMTP command from transcripts and
// phrases, and the generic reasons that depend on it. Synthetic rows and fixtures (example.* / documentation IPs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { classify } from '../../../transform/classify.ts';
import { commandIn } from '../../../transform/dsn/codes.ts';
import { parseBounce } from '../../../transform/dsn/index.ts';
import { transcriptCommands } from '../../../transform/dsn/transcript.ts';
import type { DsnFields, DsnRecipient } from '../../../transform/dsn-fields.ts';
import { normalizeLineEnds } from '../../../transform/mime.ts';
import { isPublicIp, prefixOf } from '../../../transform/addresses.ts';
import type { Reason } from '../../../transform/vocabulary.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/lhost');
const fields: DsnFields = {
  mtaKind: 'postfix',
  reportingMta: 'mo-out01.example.com',
  recipients: [],
  original: { headers: '' },
  extra: {},
};

function rcpt(diagnostic: string, more: Partial<DsnRecipient> = {}): DsnRecipient {
  return {
    recipient: 'user@example.net',
    action: 'failed',
    status: '',
    replyCode: 0,
    diagnostic,
    remoteMta: 'mx.example.net',
    command: '',
    ...more,
  };
}

const reasons: Array<[string, DsnRecipient, Reason]> = [
  [
    '5.1.6 has moved',
    rcpt('550 5.1.6 recipient no longer on server: user@example.net', { status: '5.1.6', command: 'RCPT' }),
    'hasmoved',
  ],
  [
    '5.2.1 user unknown after DATA: filtered',
    rcpt('550 5.2.1 <user@example.net>... User Unknown', { status: '5.2.1', command: 'DATA' }),
    'filtered',
  ],
  [
    '5.2.0 user unknown, command unknown: filtered',
    rcpt('550 Unknown user user@example.net', { status: '5.2.0' }),
    'filtered',
  ],
  [
    '5.2.1 user unknown in reply to RCPT: userunknown',
    rcpt('550 5.2.1 <user@example.net>... User Unknown', { status: '5.2.1', command: 'RCPT' }),
    'userunknown',
  ],
  [
    '"does not exist" in reply to MAIL FROM: the sender was rejected',
    rcpt('553 5.1.0 sender.example.com does not exist', { status: '5.1.0', command: 'MAIL' }),
    'rejected',
  ],
  [
    'bare "Access denied" at MAIL FROM: rejected',
    rcpt('550 5.7.1 Access denied', { status: '5.7.1', command: 'MAIL' }),
    'rejected',
  ],
  [
    'Postfix "Recipient address rejected:" prefix is not user unknown by itself',
    rcpt('550 5.7.26 <user@example.net>: Recipient address rejected: Multiple authentication checks failed', {
      status: '5.7.26',
      command: 'RCPT',
    }),
    'authfailure',
  ],
  [
    '"Recipient address rejected: Access denied" (Exchange Online directory check)',
    rcpt('550 5.4.1 Recipient address rejected: Access denied.', { status: '5.4.1', command: 'RCPT' }),
    'userunknown',
  ],
  [
    'RFC 7372 5.7.25 reverse DNS',
    rcpt('550 5.7.25 Reverse DNS validation failed', { status: '5.7.25', command: 'MAIL' }),
    'requireptr',
  ],
  [
    'RFC 7372 5.7.23 SPF',
    rcpt('550 5.7.23 SPF validation failed', { status: '5.7.23', command: 'DATA' }),
    'authfailure',
  ],
  [
    'invalid RDNS record',
    rcpt('551 Server access mta.example.net forbidden by invalid RDNS record of your mail server', {
      status: '5.0.0',
      command: 'MAIL',
    }),
    'requireptr',
  ],
  [
    '5.2.3 "message too large for this recipient"',
    rcpt('550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient', { status: '5.2.3' }),
    'emailtoolarge',
  ],
  [
    '5.2.3 "length exceeds administrative limit"',
    rcpt('552 5.2.3 Message length exceeds administrative limit', { status: '5.2.3', command: 'DATA' }),
    'exceedlimit',
  ],
  [
    'No relaying',
    rcpt('550 5.7.0 <user@example.net>: Recipient address rejected: No relaying.', {
      status: '5.7.0',
      command: 'RCPT',
    }),
    'norelaying',
  ],
  [
    'sender domain listed, not our IP',
    rcpt(
      '550 5.1.0 MailFrom domain is listed in Spamhaus. To request removal see https://www.spamhaus.org/query/lookup/',
      { status: '5.1.0', command: 'MAIL' },
    ),
    'rejected',
  ],
  [
    'refused at the banner: blocked',
    rcpt('host mx.example.net[192.0.2.7] refused to talk to me: 421 Service not available', {
      status: '4.0.0',
      command: 'CONN',
    }),
    'blocked',
  ],
  [
    'qmail queue expiry after a connection timeout',
    rcpt(
      "unable to connect to remote server [192.0.2.9:25]: Operation timed out I'm not going to try again; this message has been in the queue too long.",
      { command: 'CONN' },
    ),
    'expired',
  ],
  [
    'qmail queue expiry after a named local cause keeps the cause',
    rcpt(
      "Unable to contact LDAP server. (#4.4.3)I'm not going to try again; this message has been in the queue too long.",
      { status: '4.4.3' },
    ),
    'systemerror',
  ],
  [
    'Google group that does not exist',
    rcpt(
      '550 5.1.1 The email account that you tried to reach does not exist. https://support.google.com/mail/?p=NoSuchUser - gsmtp',
      { recipient: 'no-such-group@googlegroups.com', status: '5.1.1' },
    ),
    'userunknown',
  ],
  [
    'a URI block list lists a link in the message: spam content, not our IP',
    rcpt('550 REJECTED - Blacklisted URL in message. (example.com) in [black]. See http://lookup.uribl.example.', {
      status: '5.0.0',
      command: 'DATA',
    }),
    'spamdetected',
  ],
  [
    'SPF named as the cause: authfailure',
    rcpt('550 5.1.0 192.0.2.9 is not allowed to send from <example.com> per its SPF Record.', {
      status: '5.1.0',
      command: 'MAIL',
    }),
    'authfailure',
  ],
  [
    '"DMARC check failed": authfailure',
    rcpt('550 DMARC check failed.', { status: '5.0.0', command: 'DATA' }),
    'authfailure',
  ],
  [
    'Gmail "does not have authentication information": authfailure',
    rcpt('550 5.7.1 This message does not have authentication information or fails to pass authentication checks.', {
      status: '5.7.1',
      command: 'DATA',
    }),
    'authfailure',
  ],
  [
    'procmail failed writing the mailbox: mailererror, not the 5.2.0 filtered',
    rcpt('procmail: Lock failure on "/var/mail/u.lock" procmail: Error while writing to "/var/mail/u"', {
      status: '5.2.0',
    }),
    'mailererror',
  ],
  [
    'a pipe to procmail "Service unavailable": the local mailer failed',
    rcpt('554 "|exec /usr/bin/procmail -f-"... Service unavailable', { status: '5.5.0' }),
    'mailererror',
  ],
  [
    '"All recipient addresses rejected : Access denied" (Exchange Online directory check)',
    rcpt('550 5.4.1 All recipient addresses rejected : Access denied', { status: '5.4.1' }),
    'userunknown',
  ],
  [
    '"Remote server does not support TLS" in reply to STARTTLS: Sisimai 5 failedstarttls (4.25: systemerror), not the 500 syntax error',
    rcpt('The error that the other server returned was: 500 Remote server does not support TLS (state 6).', {
      command: 'STARTTLS',
    }),
    'failedstarttls',
  ],
  [
    '"Remote server does not support TLS", no command: a system error, not the 500 syntax error',
    rcpt('The error that the other server returned was: 500 Remote server does not support TLS (state 6).'),
    'systemerror',
  ],
  [
    'InterScan "Please check if address is correct"',
    rcpt(
      'Unable to deliver message to <user@example.net> (and other recipients in the same domain). Please check if address is correct.',
    ),
    'userunknown',
  ],
  [
    'a delay notice with no words and only 4.4.0: expired (still queued)',
    rcpt('', { status: '4.4.0', action: 'delayed' }),
    'expired',
  ],
  ['a failure with no words and only 4.4.0 stays a network error', rcpt('', { status: '4.4.0' }), 'networkerror'],
  [
    'Orange OFR_506: the content was judged spam',
    rcpt('550 5.2.0 Mail rejete. Mail rejected. ofr_506 [506]', { status: '5.2.0', command: 'DATA' }),
    'spamdetected',
  ],
  [
    'Orange OFR005_505: service refused',
    rcpt('421 4.2.0 Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR005_505 [505]', {
      status: '4.2.0',
    }),
    'systemerror',
  ],
  [
    'La Poste LPN105_104: too many connections',
    rcpt('421 4.7.0 Too many connections, slow down. LPN105_104', { status: '4.7.0' }),
    'toomanyconn',
  ],
  [
    'an unrelated "_506" in a text is not Orange\'s code',
    rcpt('550 5.7.1 message id abc_506 rejected as spam', { status: '5.7.1', command: 'DATA' }),
    'spamdetected',
  ],
  [
    'Google group that refuses the post',
    rcpt("550 5.7.1 You don't have permission to post to this group - gsmtp", {
      recipient: 'group@googlegroups.com',
      status: '5.7.1',
    }),
    'rejected',
  ],
];

for (const [name, r, reason] of reasons) {
  test(`reason: ${name}`, (t) => {
    t.is(classify(r, fields).reason, reason);
  });
}

test('hasmoved is a recipient_unknown reason', (t) => {
  t.is(classify(rcpt('550 5.1.6 not our customer', { status: '5.1.6' }), fields).category, 'recipient_unknown');
});

const phrases: Array<[string, string]> = [
  ['192.0.2.153 does not like recipient. Remote host said: 550 5.1.1 <user@example.net>... User Unknown', 'RCPT'],
  ['192.0.2.27 failed after I sent the message. Remote host said: 550 5.7.26 Unauthenticated email', 'DATA'],
  ['Connected to 192.0.2.225 but sender was rejected. Remote host said: 550 5.7.1 Access denied', 'MAIL'],
  ['Connected to 192.0.2.112 but my name was rejected. Remote host said: 501 5.0.0 Invalid domain name', 'HELO'],
  ['host mx.example.net[192.0.2.7] refused to talk to me: 554 Service unavailable', 'CONN'],
];
for (const [text, cmd] of phrases) {
  test(`command phrase: ${cmd} ← ${text.slice(0, 40)}`, (t) => {
    t.is(commandIn(text), cmd);
  });
}

test('transcript: a pipelined RCPT answer printed after ">>> DATA" belongs to RCPT, the 503 to DATA', (t) => {
  const text = [
    '... while talking to mx.example.org.:',
    '>>> DATA',
    '<<< 550 5.1.1 <frank@example.org>... User unknown',
    '550 5.1.1 <frank@example.org>... User unknown',
    '<<< 551 not our user',
    '550 5.1.1 <grace@example.org>... User unknown',
    '<<< 503 5.0.0 Need RCPT (recipient)',
  ].join('\n');
  const out = transcriptCommands(text, new Set(['frank@example.org', 'grace@example.org', 'heidi@example.org']));
  t.is(out.byRecipient.get('frank@example.org'), 'RCPT');
  t.is(out.byRecipient.get('grace@example.org'), 'RCPT', 'named in the echo line');
  t.false(out.byRecipient.has('heidi@example.org'));
  t.is(out.general, 'DATA');
});

test('transcript: MAIL FROM refused, and the m-FILTER "SMTP command" section', (t) => {
  const mail = transcriptCommands(
    '>>> MAIL From:<erin@example.com> SIZE=800\n<<< 553 5.1.8 <erin@example.com>... Domain of sender address does not exist',
    new Set(['ivan@example.net']),
  );
  t.is(mail.general, 'MAIL');
  t.is(mail.byRecipient.size, 0);
  t.is(
    transcriptCommands(
      '-------server message\n550 unknown user <ivan@example.net>\n\n-------SMTP command\nDATA\n',
      new Set(),
    ).general,
    'DATA',
  );
});

function parsed(file: string): DsnRecipient[] {
  const out = parseBounce(normalizeLineEnds(fs.readFileSync(path.join(fixtures, `${file}.eml`))));
  if (out.kind !== 'ok') throw new Error(`${file}: ${out.kind}`);
  return out.fields.recipients;
}

test('fixture sendmail-01: pipelined transcript → RCPT, user unknown', (t) => {
  const [r] = parsed('sendmail-01');
  t.is(r.command, 'RCPT');
  t.is(classify(r, fields).reason, 'userunknown');
});

test('fixture sendmail-data-01: refused after DATA with 5.2.1 → filtered', (t) => {
  const [r] = parsed('sendmail-data-01');
  t.is(r.command, 'DATA');
  t.is(classify(r, fields).reason, 'filtered');
});

test('fixture postfix-mailfrom-01: "(in reply to MAIL FROM command)" survives the sender address inside the reply', (t) => {
  const [r] = parsed('postfix-mailfrom-01');
  t.is(r.recipient, 'ivan@example.net');
  t.is(r.command, 'MAIL');
  t.is(classify(r, fields).reason, 'rejected');
});

test('isPublicIp / prefixOf IPv4 fast path agrees with the ranges ipaddr.js names', (t) => {
  for (const ip of [
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '0.1.2.3',
    '224.0.0.1',
    '255.255.255.255',
  ]) {
    t.false(isPublicIp(ip), ip);
  }
  for (const ip of ['198.51.100.7', '203.0.113.9', '192.0.2.1', '172.32.0.1', '100.128.0.1', '240.0.0.1', '8.8.8.8'])
    t.true(isPublicIp(ip), ip);
  t.is(prefixOf('203.0.113.99'), '203.0.113.0/24');
  t.true(isPublicIp('2001:db8::1'));
  t.false(isPublicIp('fe80::1'));
});

test('fixture exim-pipe-01: a failed pipe delivery → the address in the pipe line, the pipe as diagnostic, mailererror', (t) => {
  const [r, ...rest] = parsed('exim-pipe-01');
  t.is(rest.length, 0);
  t.is(r.recipient, 'erin@example.com');
  t.regex(r.diagnostic, /^pipe to \|\/usr\/local\/bin\/autoresponder/);
  t.is(classify(r, fields).reason, 'mailererror');
});

test('fixture groups-greeting-01: a greeting to the sender is not a recipient when X-Failed-Recipients names the group', (t) => {
  const rs = parsed('groups-greeting-01');
  t.deepEqual(
    rs.map((r) => r.recipient),
    ['team-list@googlegroups.com'],
  );
  t.is(classify(rs[0], fields).reason, 'rejected');
});

test('fixture rfc3464-broken-boundary-01: the inline report gives each recipient its own words, never the block', (t) => {
  const rs = parsed('rfc3464-broken-boundary-01');
  const byAddr = new Map(rs.map((r) => [r.recipient, r]));
  t.regex(byAddr.get('heidi@example.net')!.diagnostic, /not a registered gateway user/);
  const delayed = byAddr.get('ivan@example.org')!;
  t.is(delayed.action, 'delayed');
  t.notRegex(delayed.diagnostic, /Final-Recipient|Diagnostic-Code|gateway user/);
  t.is(classify(delayed, fields).reason, 'expired');
});

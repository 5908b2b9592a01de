// One row per MTA family fixture (test/fixtures/lhost/*.eml, written for this project).
import test from 'ava';
import { runLhostTable, type LhostExpect } from '../../helpers/lhost-table.ts';

const rows: LhostExpect[] = [
  { file: 'postfix-01', recipient: 'bob@outlook.example.net', status: '5.7.1', replyCode: 550, action: 'failed', mtaKind: 'postfix', diagnostic: /on our block list \(S3150\)/, remoteMta: 'outlook-example-net.olc.protection.outlook.example.net' },
  { file: 'exim-01', recipient: 'dave@example.net', status: '5.1.1', replyCode: 550, action: 'failed', mtaKind: 'exim', remoteMta: 'mx.example.net', reportingMta: 'mail.example.com' },
  { file: 'sendmail-01', recipient: 'frank@example.org', status: '5.1.1', replyCode: 550, action: 'failed', mtaKind: 'sendmail', remoteMta: 'mx.example.org' },
  { file: 'qmail-01', recipient: 'heidi@example.net', status: '5.2.2', replyCode: 550, action: 'failed', mtaKind: 'qmail', diagnostic: /mailbox full/, reportingMta: 'smtp.example.com' },
  { file: 'exchange-01', recipient: 'judy@example.org', status: '5.1.1', replyCode: 550, action: 'failed', mtaKind: 'exchange', diagnostic: /RESOLVER\.ADR\.RecipNotFound/ },
  { file: 'office365-01', recipient: 'leo@example.net', status: '5.7.606', replyCode: 550, action: 'failed', mtaKind: 'office365' },
  { file: 'outlook-01', recipient: 'niaj@hotmail.example.net', status: '5.7.1', replyCode: 550, action: 'failed', mtaKind: 'outlook' },
  { file: 'gmail-01', recipient: 'peggy@example.org', status: '5.7.1', replyCode: 550, action: 'failed', mtaKind: 'gmail', remoteMta: 'mx.example.org' },
  { file: 'yahoo-01', recipient: 'sybil@example.net', status: '4.7.0', replyCode: 421, action: 'failed', mtaKind: 'yahoo' },
  { file: 'amazonses-01', recipient: 'victor@example.net', status: '5.1.1', replyCode: 550, action: 'failed', mtaKind: 'amazonses', remoteMta: '203.0.113.222' },
  { file: 'courier-01', recipient: 'xavier@example.org', status: '5.1.1', replyCode: 550, action: 'failed', mtaKind: 'courier', remoteMta: 'mx.example.org' },
  { file: 'opensmtpd-01', recipient: 'zach@example.net', status: '5.7.1', replyCode: 550, action: 'failed', mtaKind: 'opensmtpd', reportingMta: 'smtpd.example.com' },
  { file: 'haraka-01', recipient: 'ben@example.org', status: '5.4.1', replyCode: 554, action: 'failed', mtaKind: 'haraka', remoteMta: 'mx.example.org' },
  { file: 'powermta-01', recipient: 'chuck@example.net', status: '4.7.0', replyCode: 421, action: 'delayed', mtaKind: 'powermta', remoteMta: 'mx.example.net' },
  { file: 'rfc3464-01', recipient: 'eve@example.net', status: '5.1.1', replyCode: 550, action: 'failed', mtaKind: 'rfc3464' },
  { file: 'rfc3464-01', recipient: 'fred@example.net', status: '4.4.7', replyCode: 0, action: 'delayed', mtaKind: 'rfc3464' },
];

runLhostTable(test, rows);

// No enhanced status in the bounce: the event carries Sisimai's pseudo code for its reason, the class from
// the reply code or, without one, from the report (a delay notice is temporary). A code the MTA wrote, even
// the generic 5.0.0, is kept as written.
runLhostTable(test, [
  { file: 'qmail-nocode-01', recipient: 'judy@example.org', status: '5.0.911', replyCode: 550, action: 'failed', mtaKind: 'qmail', diagnostic: /no mailbox here by that name/ },
  { file: 'gmail-delay-nocode-01', recipient: 'leo@mail.example.net', status: '4.0.947', replyCode: 0, action: 'delayed', mtaKind: 'gmail' },
  { file: 'rfc3464-generic-status-01', recipient: 'noah@example.org', status: '5.0.0', replyCode: 0, action: 'failed', mtaKind: 'postfix', diagnostic: /refused by the next hop/ },
]);

// A bounce forwarded as a message/rfc822 attachment is parsed from the attachment.
runLhostTable(test, [
  { file: 'forwarded-01', recipient: 'bob@outlook.example.net', status: '5.7.1', replyCode: 550, action: 'failed', mtaKind: 'postfix', diagnostic: /\(S3150\)/ },
]);

// classify() on DsnRecipient objects: every Microsoft row of receiver-codes.md §1 plus the other receivers.
import test from 'ava';
import { classify } from '../../../transform/classify.ts';
import type { DsnFields, DsnRecipient, Verdict } from '../../../transform/dsn-fields.ts';

const fields: DsnFields = {
  mtaKind: 'postfix',
  reportingMta: 'mo-out01.example-hoster.net',
  recipients: [],
  original: { headers: '' },
  extra: {},
};

function rcpt(recipient: string, diagnostic: string, more: Partial<DsnRecipient> = {}): DsnRecipient {
  return { recipient, action: 'failed', status: '', replyCode: 0, diagnostic, remoteMta: '', command: 'RCPT', ...more };
}

type Row = [string, DsnRecipient, Partial<Verdict>];
const HM = 'user@hotmail.com';
const EOP = { remoteMta: 'example-com.mail.protection.outlook.com' };
const T = '[DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com 2025-03-04T09:14:22.123Z 08DD5A1B2C3D4E5F]';

const microsoft: Row[] = [
  [
    'S3150',
    rcpt(
      HM,
      `550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). ${T}`,
    ),
    { reason: 'blocked', category: 'ip_blocklist', msCode: 'S3150', listedIp: '198.51.100.7' },
  ],
  [
    'AS3150 (2018)',
    rcpt(HM, "550 5.7.1 Unfortunately, messages from [203.0.113.45] weren't sent. ... on our block list (AS3150)."),
    { msCode: 'S3150', msRule: '', listedIp: '203.0.113.45', category: 'ip_blocklist' },
  ],
  [
    'S3140 IPv6',
    rcpt('x@outlook.de', "550 5.7.1 Unfortunately, messages from [2001:DB8:0:0:0:0:0:7] weren't sent. (S3140)"),
    { msCode: 'S3140', listedIp: '2001:db8::7', category: 'ip_blocklist' },
  ],
  [
    '4.7.650 S775',
    rcpt(
      HM,
      '451 4.7.650 The mail server [198.51.100.8] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S775)',
      { status: '4.0.0', action: 'delayed' },
    ),
    { reason: 'badreputation', category: 'ip_reputation', msCode: 'S775', msRule: '', listedIp: '198.51.100.8' },
  ],
  [
    '4.7.650 S843',
    rcpt(
      HM,
      '451 4.7.650 The mail server [198.51.100.8] has been temporarily rate limited due to IP reputation. (S843)',
    ),
    { msCode: 'S843', category: 'ip_reputation' },
  ],
  [
    '4.7.650 S3113',
    rcpt(
      HM,
      '451 4.7.650 The mail server [198.51.100.8] has been temporarily rate limited due to IP reputation. (S3113)',
    ),
    { msCode: 'S3113', category: 'ip_reputation' },
  ],
  [
    '4.7.651 S3114',
    rcpt(
      HM,
      '451 4.7.651 The mail server [198.51.100.9] has been temporarily rate limited due to IP reputation. (S3114)',
    ),
    { msCode: 'S3114', category: 'ip_reputation', listedIp: '198.51.100.9' },
  ],
  [
    '4.7.651 S844',
    rcpt(
      HM,
      '451 4.7.651 The mail server [198.51.100.9] has been temporarily rate limited due to IP reputation. (S844)',
    ),
    { msCode: 'S844', category: 'ip_reputation' },
  ],
  [
    '4.7.652 S3115',
    rcpt(HM, '451 4.7.652 The mail server [203.0.113.47] has exceeded the maximum number of connections. (S3115)'),
    { reason: 'toomanyconn', msCode: 'S3115', category: 'rate_limit', listedIp: '203.0.113.47' },
  ],
  [
    '4.7.500 S77714',
    rcpt(HM, '451 4.7.500 Server busy. Please try again later from [198.51.100.10]. (S77714)'),
    { reason: 'ratelimited', msCode: 'S77714', category: 'rate_limit', listedIp: '198.51.100.10' },
  ],
  [
    '4.7.500 S77719',
    rcpt(HM, '451 4.7.500 Server busy. Please try again later from [198.51.100.10]. (S77719)'),
    { msCode: 'S77719', category: 'rate_limit' },
  ],
  [
    '4.7.5xx AS843',
    rcpt('x@example.com', '451 4.7.543 Server busy. Please try again later from [198.51.100.10]. (AS843)', EOP),
    { msCode: '4.7.543', msRule: 'AS843', category: 'rate_limit' },
  ],
  [
    '4.7.8xx',
    rcpt('x@example.com', '451 4.7.852 Access denied, please try again later', EOP),
    { reason: 'badreputation', msCode: '4.7.852', category: 'ip_reputation' },
  ],
  [
    '5.7.515',
    rcpt(
      HM,
      '550 5.7.515 Access denied, sending domain [KUNDE-A.EXAMPLE] does not meet the required authentication level.',
    ),
    { reason: 'authfailure', msCode: '5.7.515', category: 'auth_failure', listedIp: null },
  ],
  [
    '5.5.0 S2017062302',
    rcpt(HM, '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).'),
    { reason: 'userunknown', msCode: 'S2017062302', category: 'recipient_unknown' },
  ],
  [
    'SC-001 old form',
    rcpt(HM, "550 SC-001 (BAY004-MC4F40) Unfortunately, messages from 198.51.100.11 weren't sent. ... block list."),
    { msCode: 'SC-001', category: 'ip_blocklist', listedIp: '198.51.100.11' },
  ],
  [
    'SC-002',
    rcpt(HM, '550 SC-002 (SNT0-MC2-F7) Mail rejected by Windows Live Hotmail for policy reasons.'),
    { msCode: 'SC-002', category: 'ip_blocklist' },
  ],
  [
    'SC-003',
    rcpt(HM, '550 SC-003 (COL0-MC1-F1) Mail rejected by Windows Live Hotmail for policy reasons.'),
    { msCode: 'SC-003', category: 'ip_blocklist' },
  ],
  [
    'SC-004',
    rcpt(HM, '550 SC-004 (BAY0-MC3-F12) Mail rejected by Windows Live Hotmail for policy reasons.'),
    { msCode: 'SC-004', category: 'ip_blocklist' },
  ],
  [
    'DY-001',
    rcpt(HM, "550 DY-001 (SNT0-MC4-F14) Unfortunately, messages from 198.51.100.30 weren't sent."),
    { msCode: 'DY-001', category: 'ip_blocklist', listedIp: '198.51.100.30' },
  ],
  [
    'DY-002',
    rcpt(HM, "550 DY-002 (COL0-MC5-F28) Unfortunately, messages from 198.51.100.31 weren't sent."),
    { msCode: 'DY-002', category: 'ip_blocklist' },
  ],
  [
    'OU-001',
    rcpt(HM, "550 OU-001 (SNT0-MC3-F21) Unfortunately, messages from 198.51.100.12 weren't sent."),
    { msCode: 'OU-001', category: 'ip_blocklist', listedIp: '198.51.100.12' },
  ],
  [
    'OU-002',
    rcpt(HM, '550 OU-002 (COL0-MC2-F3) Mail rejected by Windows Live Hotmail for policy reasons.'),
    { msCode: 'OU-002', category: 'ip_reputation' },
  ],
  [
    'RP-001',
    rcpt(
      HM,
      "421 RP-001 (COL004-MC1F5) Unfortunately, some messages from 198.51.100.13 weren't sent. Please try again.",
    ),
    { msCode: 'RP-001', category: 'rate_limit', listedIp: '198.51.100.13' },
  ],
  [
    'RP-002',
    rcpt(
      HM,
      '421 RP-002 (BAY0-MC4-F9) The mail server IP connecting to Windows Live Hotmail has exceeded the rate limit allowed.',
    ),
    { msCode: 'RP-002', category: 'rate_limit' },
  ],
  [
    'RP-003',
    rcpt(
      HM,
      '421 RP-003 (SNT0-MC1-F5) The mail server IP connecting to Windows Live Hotmail has exceeded the connection limit allowed.',
    ),
    { reason: 'toomanyconn', msCode: 'RP-003', category: 'rate_limit' },
  ],
  [
    '5.7.606 AS(1430)',
    rcpt(
      'x@example.com',
      '550 5.7.606 Access denied, banned sending IP [203.0.113.48]. To request removal from this list please visit https://sender.office.com/ AS(1430)',
      EOP,
    ),
    { reason: 'blocked', msCode: '5.7.606', msRule: 'AS1430', category: 'ip_blocklist', listedIp: '203.0.113.48' },
  ],
  [
    '5.7.649 AS16012609',
    rcpt('x@example.com', '550 5.7.649 Access denied, banned sending IP [203.0.113.48]. (AS16012609)', EOP),
    { msCode: '5.7.649', msRule: 'AS16012609', category: 'ip_blocklist' },
  ],
  [
    '5.7.511',
    rcpt(
      'x@example.com',
      '550 5.7.511 Access denied, banned sender[198.51.100.14]. To request removal from this list, forward this message to delist@messaging.microsoft.com. AS(508)',
      EOP,
    ),
    { msCode: '5.7.511', msRule: 'AS508', category: 'ip_blocklist', listedIp: '198.51.100.14' },
  ],
  [
    'Blocklist 1',
    rcpt(
      'x@example.com',
      '550 5.7.1 Service unavailable; Client host [203.0.113.49] blocked using Blocklist 1; To request removal from this list please forward this message to delist@messaging.microsoft.com',
      EOP,
    ),
    { msCode: 'Blocklist1', category: 'ip_blocklist', listedIp: '203.0.113.49' },
  ],
  [
    'Spamhaus AS3130',
    rcpt(
      'x@example.com',
      '550 5.7.1 Service unavailable, Client host [198.51.100.15] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/198.51.100.15 (AS3130).',
      EOP,
    ),
    { msCode: 'AS3130', msRule: '', category: 'ip_blocklist', listedIp: '198.51.100.15' },
  ],
  [
    'Spamhaus AS(1450)',
    rcpt(
      'x@example.com',
      '550 5.7.1 Service unavailable, Client host [198.51.100.15] blocked using Spamhaus. AS(1450)',
      EOP,
    ),
    { msCode: 'AS1450', category: 'ip_blocklist' },
  ],
  [
    'S8002',
    rcpt(
      'x@example.com',
      '550 5.7.1 Service unavailable, MailFrom domain is listed in Spamhaus. To request removal from this list see https://www.spamhaus.org/query/lookup/ (S8002)',
      EOP,
    ),
    { msCode: 'S8002', category: 'policy', listedIp: null },
  ],
  [
    '5.7.513',
    rcpt(
      'x@example.org',
      '550 5.7.513 Service unavailable, Client host [203.0.113.50] blocked by example.org using Customer Block list (AS16012607)',
      EOP,
    ),
    { msCode: '5.7.513', msRule: 'AS16012607', category: 'ip_blocklist', listedIp: '203.0.113.50' },
  ],
  [
    '5.7.507',
    rcpt('x@example.org', '550 5.7.507 Access denied, rejected by recipient', EOP),
    { msCode: '5.7.507', category: 'ip_blocklist' },
  ],
  [
    '5.7.508',
    rcpt(
      'x@example.com',
      '550 5.7.508 Access denied, [2001:db8:4:7::1a] has exceeded permitted limits within 2001:db8:4:7::/64 range',
      EOP,
    ),
    { msCode: '5.7.508', category: 'rate_limit', listedIp: '2001:db8:4:7::1a' },
  ],
  [
    '5.7.509',
    rcpt(
      'x@example.com',
      '550 5.7.509 Access denied, sending domain [KUNDE-A.EXAMPLE] does not pass DMARC verification and has a DMARC policy of reject.',
      EOP,
    ),
    { msCode: '5.7.509', category: 'auth_failure' },
  ],
  [
    '5.7.510',
    rcpt('x@example.com', '550 5.7.510 Access denied, example.com does not accept email over IPv6', EOP),
    { msCode: '5.7.510', category: 'policy' },
  ],
  [
    '5.7.25',
    rcpt(
      'x@example.com',
      '550 5.7.25 [2001:db8::25] The sending IPv6 address [2001:db8::25] must have a reverse DNS record',
      EOP,
    ),
    { reason: 'requireptr', msCode: '5.7.25', category: 'policy', listedIp: '2001:db8::25' },
  ],
  [
    '4.7.26',
    rcpt(
      'x@example.com',
      '450 4.7.26 Service unavailable, message sent over IPv6 [2001:db8::26] must pass either SPF or DKIM validation',
      EOP,
    ),
    { msCode: '4.7.26', category: 'auth_failure', listedIp: '2001:db8::26' },
  ],
  [
    '5.7.501',
    rcpt('x@example.com', '550 5.7.501 Access denied, spam abuse detected', EOP),
    { msCode: '5.7.501', category: 'policy' },
  ],
  [
    '5.7.503',
    rcpt('x@example.com', '550 5.7.503 Access denied, banned sender', EOP),
    { msCode: '5.7.503', category: 'policy' },
  ],
  [
    '5.1.8',
    rcpt('x@example.com', '550 5.1.8 Access denied, bad outbound sender', EOP),
    { msCode: '5.1.8', category: 'policy' },
  ],
  [
    '5.7.705',
    rcpt('x@example.com', '550 5.7.705 Access denied, tenant has exceeded threshold', EOP),
    { msCode: '5.7.705', category: 'policy' },
  ],
  [
    '5.7.708',
    rcpt(
      'x@example.com',
      '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. AS(7230)',
      EOP,
    ),
    { msCode: '5.7.708', msRule: 'AS7230', category: 'ip_reputation', listedIp: null },
  ],
  [
    '5.7.750',
    rcpt(
      'x@example.com',
      '550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains',
      EOP,
    ),
    { msCode: '5.7.750', category: 'policy' },
  ],
  [
    '5.4.1',
    rcpt('x@example.com', '550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', EOP),
    { reason: 'userunknown', msCode: 'AS201806281', msRule: '', category: 'recipient_unknown' },
  ],
  [
    '5.1.10',
    rcpt('x@example.com', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', EOP),
    { reason: 'userunknown', msCode: '5.1.10', category: 'recipient_unknown' },
  ],
  [
    '5.2.121',
    rcpt('x@example.com', "550 5.2.121 Recipient's per hour message receive limit from specific sender exceeded", EOP),
    { msCode: '5.2.121', category: 'rate_limit' },
  ],
  [
    '5.2.122',
    rcpt(
      'x@example.com',
      '554 5.2.122 The recipient has exceeded their limit for the number of messages they can receive per hour',
      EOP,
    ),
    { msCode: '5.2.122', category: 'rate_limit' },
  ],
  [
    'S3150 with a rule number',
    rcpt(
      HM,
      "550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. ... on our block list (S3150) AS(3150) [AM0EUR02FT003.eop-EUR02.prod.protection.outlook.com]",
    ),
    { msCode: 'S3150', msRule: '' },
  ],
  [
    'Spamhaus with S-code and rule',
    rcpt(
      'x@example.com',
      '550 5.7.1 Service unavailable, Client host [198.51.100.15] blocked using Spamhaus. (S3140) AS(1450)',
      EOP,
    ),
    { msCode: 'S3140', msRule: 'AS1450' },
  ],
  [
    'generic 5.7.1 with a rule number',
    rcpt('x@example.com', '550 5.7.1 Service unavailable; rejected by policy. AS(3130)', EOP),
    { msCode: 'AS3130', msRule: '' },
  ],
  [
    'no code, host names are not S-codes',
    rcpt(
      'x@example.com',
      '550 5.7.1 Delivery not authorized [SN1NAM02FT012.eop-nam02.prod.protection.outlook.com S9x.example]',
      EOP,
    ),
    { msCode: '', msRule: '' },
  ],
];

const others: Row[] = [
  // Sisimai 5 reasons (failedstarttls, notcompliantrfc) and a missing domain named in words
  [
    'STARTTLS required (Sisimai 5)',
    rcpt('x@example.org', '538 5.7.10 STARTTLS is required to send mail'),
    { reason: 'failedstarttls', category: 'network' },
  ],
  [
    'refused at STARTTLS',
    rcpt('x@example.org', '454 4.7.0 TLS not available due to local problem', { command: 'STARTTLS' }),
    { reason: 'failedstarttls' },
  ],
  ['SendGrid TLS required', rcpt('x@example.org', 'TLS required but not supported'), { reason: 'failedstarttls' }],
  [
    'not RFC 5322 compliant',
    rcpt(
      'x@gmail.com',
      '550-5.7.1 This message is not RFC 5322 compliant. There are multiple Subject headers. - gsmtp',
    ),
    { reason: 'notcompliantrfc', provider: 'google' },
  ],
  [
    'a domain does not exist, after DATA',
    rcpt('x@example.net', '553 neko.example.com does not exist', { command: 'DATA' }),
    { reason: 'hostunknown' },
  ],
  [
    'our domain does not exist, at MAIL FROM',
    rcpt('x@example.net', '553 5.1.0 neko.example.com does not exist', { command: 'MAIL' }),
    { reason: 'rejected' },
  ],
  [
    'an address does not exist is no missing domain',
    rcpt('x@example.net', '550 5.1.1 x@example.net does not exist', { command: 'RCPT' }),
    { reason: 'userunknown' },
  ],
  [
    'Gmail 4.7.28 [IP n]',
    rcpt(
      'x@gmail.com',
      '421-4.7.28 [198.51.100.16      15] Our system has detected an unusual rate of unsolicited mail originating from your IP address. - gsmtp',
    ),
    { provider: 'google', category: 'ip_reputation', listedIp: '198.51.100.16', msCode: '' },
  ],
  [
    'Gmail 5.7.26',
    rcpt('x@gmail.com', '550-5.7.26 This mail has been blocked because the sender is unauthenticated. - gsmtp'),
    { provider: 'google', category: 'auth_failure' },
  ],
  [
    'Gmail user unknown',
    rcpt('x@gmail.com', '550-5.1.1 The email account that you tried to reach does not exist. - gsmtp'),
    { provider: 'google', reason: 'userunknown' },
  ],
  [
    'Workspace by MX',
    rcpt('x@example.org', '452-4.2.2 The email account that you tried to reach is over quota. - gsmtp', {
      remoteMta: 'aspmx.l.google.com',
    }),
    { provider: 'google', reason: 'mailboxfull' },
  ],
  [
    'Yahoo TSS04',
    rcpt(
      'x@yahoo.de',
      '421 4.7.0 [TSS04] Messages from 198.51.100.18 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1',
    ),
    { provider: 'yahoo', category: 'ip_reputation', listedIp: '198.51.100.18' },
  ],
  [
    'Yahoo BL23',
    rcpt('x@aol.com', '553 5.7.1 [BL23] Connections not accepted from IP addresses on Spamhaus XBL'),
    { provider: 'yahoo', category: 'ip_blocklist' },
  ],
  [
    'Yahoo PH01',
    rcpt('x@yahoo.com', '554 Message not allowed - [PH01] Email not accepted for policy reasons.'),
    { provider: 'yahoo', category: 'content_spam' },
  ],
  [
    'GMX Nemesis v=',
    rcpt(
      'x@gmx.net',
      '554-gmx.net (mxgmx117) Nemesis ESMTP Service not available 554-No SMTP service 554-IP address is block listed. 554 For explanation visit https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=198.51.100.19&r=1MfxAB',
    ),
    { provider: 'gmx', category: 'ip_blocklist', listedIp: '198.51.100.19' },
  ],
  [
    'web.de old ip= form',
    rcpt(
      'x@web.de',
      '554-web.de (mxweb010) Nemesis ESMTP Service not available 554 For explanation visit http://postmaster.web.de/error-messages?ip=203.0.113.53&c=bip',
    ),
    { provider: 'webde', category: 'ip_blocklist', listedIp: '203.0.113.53' },
  ],
  [
    'GMX mailbox unavailable',
    rcpt('x@gmx.de', '550 Requested action not taken: mailbox unavailable', { remoteMta: 'mx01.emig.gmx.net' }),
    { provider: 'gmx', reason: 'userunknown' },
  ],
  [
    'web.de quota',
    rcpt('x@web.de', '552 Requested mail action aborted: exceeded storage allocation'),
    { provider: 'webde', reason: 'mailboxfull' },
  ],
  [
    'IONOS PTR IP=',
    rcpt(
      'x@kunde.example',
      '554-kundenserver.de (mxeue010) Nemesis ESMTP Service not available 554-Invalid DNS PTR resource record, IP=198.51.100.20',
      { remoteMta: 'mx00.ionos.de' },
    ),
    { provider: 'ionos', reason: 'requireptr', listedIp: '198.51.100.20' },
  ],
  [
    'T-Online (BL)',
    rcpt(
      'x@t-online.de',
      '554 IP=203.0.113.54 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)',
    ),
    { provider: 'tonline', category: 'ip_blocklist', listedIp: '203.0.113.54' },
  ],
  [
    'T-Online (DIAL)',
    rcpt('x@t-online.de', '554 IP=203.0.113.56 - Dialup/transient IP not allowed. (DIAL)'),
    { provider: 'tonline', category: 'policy' },
  ],
  [
    'Apple Proofpoint',
    rcpt('x@icloud.com', '554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip=203.0.113.55'),
    { provider: 'apple', category: 'ip_blocklist', listedIp: '203.0.113.55' },
  ],
  [
    'Apple CS01',
    rcpt(
      'x@me.com',
      '550 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
    ),
    { provider: 'apple', category: 'policy' },
  ],
  [
    'Apple SBL',
    rcpt('x@mac.com', '550 5.7.1 Mail from IP 198.51.100.40 was rejected due to listing in Spamhaus SBL.'),
    { provider: 'apple', category: 'ip_blocklist', listedIp: '198.51.100.40' },
  ],
  [
    'Barracuda',
    rcpt('x@example.net', '554 Refused. Your IP address is listed in the RBL at b.barracudacentral.org'),
    { provider: 'other', category: 'ip_blocklist', listedIp: null },
  ],
  [
    'Mimecast CT',
    rcpt(
      'x@example.net',
      '550 Local CT IP Reputation - (reject) https://community.mimecast.com/docs/DOC-1369#550 [AbCdEf.uk13]',
      { remoteMta: 'eu-smtp-inbound-1.mimecast.com' },
    ),
    { category: 'ip_reputation' },
  ],
  [
    'Postfix RBL',
    rcpt(
      'x@example.net',
      '554 5.7.1 Service unavailable; Client host [198.51.100.41] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/198.51.100.41',
    ),
    { category: 'ip_blocklist', listedIp: '198.51.100.41' },
  ],
  [
    'Microsoft by text only',
    rcpt(
      'x@kunde.example',
      "550 5.7.1 Unfortunately, messages from [198.51.100.42] weren't sent. ... (S3150). [AM4PEPF00027A5F.eurprd04.prod.outlook.com]",
    ),
    { provider: 'microsoft', msCode: 'S3150' },
  ],
];

const generic: Row[] = [
  [
    'user unknown',
    rcpt(
      'x@example.org',
      '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
      { status: '5.1.1' },
    ),
    { reason: 'userunknown', category: 'recipient_unknown', provider: 'other', msCode: '', listedIp: null },
  ],
  [
    'mailbox full',
    rcpt('x@example.org', '552 5.2.2 Mailbox full'),
    { reason: 'mailboxfull', category: 'mailbox_full' },
  ],
  [
    'host unknown',
    rcpt(
      'x@nowhere.example',
      'Host or domain name not found. Name service error for name=nowhere.example type=A: Host not found',
      { status: '5.4.4' },
    ),
    { reason: 'hostunknown', category: 'domain_unknown' },
  ],
  ['relay denied', rcpt('x@example.org', '554 5.7.1 <x@example.org>: Relay access denied'), { reason: 'norelaying' }],
  ['too large', rcpt('x@example.org', '552 5.3.4 Message size exceeds fixed limit'), { reason: 'emailtoolarge' }],
  [
    'spam',
    rcpt('x@example.org', '550 5.7.1 Message rejected as spam by Content Filtering.'),
    { reason: 'spamdetected', category: 'content_spam' },
  ],
  ['delayed, no text', rcpt('x@example.org', '', { action: 'delayed', status: '4.0.0' }), { reason: 'expired' }],
  ['nothing at all', rcpt('x@example.org', ''), { reason: 'undefined', category: 'other' }],
  [
    'MX IP next to the MX name is not listed',
    rcpt('x@example.org', 'host mx.example.org[192.0.2.1] said: 550 5.1.1 user unknown'),
    { listedIp: null },
  ],
];

for (const [name, r, want] of [
  ...microsoft.map((x): Row => [x[0], x[1], { provider: 'microsoft', ...x[2] }]),
  ...others,
  ...generic,
]) {
  test(`classify: ${name}`, (t) => {
    t.like(classify(r, fields), want);
  });
}

test('classify: the MTA parser hint decides when no receiver rule matches', (t) => {
  const v = classify(
    rcpt(
      'x@example.org',
      'delivery temporarily suspended: connect to mx.example.org[192.0.2.1]:25: Connection timed out',
      { reasonHint: 'expired' },
    ),
    fields,
  );
  t.is(v.reason, 'expired');
  t.is(v.category, 'expired');
});

test('classify: a receiver rule wins over the hint', (t) => {
  const v = classify(
    rcpt(HM, "550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. (S3150)", { reasonHint: 'expired' }),
    fields,
  );
  t.is(v.msCode, 'S3150');
  t.is(v.reason, 'blocked');
});

// addresses.ts: sending IP, prefix, original sender, sending account, domain.
import test from 'ava';
import {
  baseDomain,
  domainOf,
  originalSender,
  parseHeaders,
  prefixOf,
  sendingAccount,
  sendingIpOf,
} from '../../../transform/addresses.ts';
import type { DsnFields, DsnRecipient, Verdict } from '../../../transform/dsn-fields.ts';

const rcpt: DsnRecipient = {
  recipient: 'x@example.org',
  action: 'failed',
  status: '5.1.1',
  replyCode: 550,
  diagnostic: '',
  remoteMta: 'mx.example.org',
  command: 'RCPT',
};
const noList: Verdict = {
  reason: 'userunknown',
  category: 'recipient_unknown',
  provider: 'other',
  msCode: '',
  msRule: '',
  listedIp: null,
};

function fields(headers: string, more: Partial<DsnFields> = {}): DsnFields {
  return {
    mtaKind: 'postfix',
    reportingMta: 'mo-out01.example-hoster.net',
    recipients: [],
    original: { headers },
    extra: {},
    ...more,
  };
}

const POSTFIX_CHAIN = [
  'Return-Path: <shop@kunde-a.example>',
  'Received: from submit02.int.example-hoster.net (submit02.int.example-hoster.net [10.20.0.12])',
  '\tby mo-out01.example-hoster.net (Postfix) with ESMTPS id 4ZxK2L1abcz9sT',
  '\tfor <x@example.org>; Tue, 04 Mar 2025 10:14:05 +0100 (CET)',
  'Received: from [192.168.178.20] (p5b0c1d2e.dip0.t-ipconnect.example [192.0.2.200])',
  '\t(Authenticated sender: shop@kunde-a.example)',
  '\tby submit02.int.example-hoster.net (Postfix) with ESMTPSA id 4ZxK2K0zzzz9sS;',
  '\tTue, 04 Mar 2025 10:14:04 +0100 (CET)',
  'From: "Shop A" <info@kunde-a.example>',
  'Subject: Bestellung',
].join('\n');

test('sendingIpOf: the listed IP wins', (t) => {
  t.is(sendingIpOf(rcpt, fields(POSTFIX_CHAIN), { ...noList, listedIp: '198.51.100.7' }), '198.51.100.7');
});

test('sendingIpOf: skips private hops and never takes the lowest (end-user) hop', (t) => {
  t.is(sendingIpOf(rcpt, fields(POSTFIX_CHAIN), noList), '');
});

test('sendingIpOf: the receiver accepted first and bounced later: its Received names our hop', (t) => {
  const headers = [
    'Received: from mo-out02.example-hoster.net (mo-out02.example-hoster.net [198.51.100.12])',
    '\tby mailin41.aul.t-online.de with (TLSv1.3:TLS_AES_256_GCM_SHA384 encrypted)',
    '\tesmtp id 1tQxAb-1234; Tue, 04 Mar 2025 10:14:06 +0100',
    POSTFIX_CHAIN,
  ].join('\n');
  t.is(sendingIpOf(rcpt, fields(headers, { reportingMta: 'mailin41.aul.t-online.de' }), noList), '198.51.100.12');
});

test('sendingIpOf: a "by <reporting MTA> (IP)" hop names our outbound address', (t) => {
  const headers = [
    'Received: from relay.int (relay.int [10.0.0.5]) by mo-out04.example-hoster.net (2001:DB8:0:5::4) with ESMTPS id 1; Tue, 04 Mar 2025 10:14:06 +0100',
    'Received: from [192.0.2.9] by relay.int with ESMTPSA; Tue, 04 Mar 2025 10:14:05 +0100',
  ].join('\n');
  t.is(sendingIpOf(rcpt, fields(headers, { reportingMta: 'mo-out04.example-hoster.net' }), noList), '2001:db8:0:5::4');
});

test('sendingIpOf: an IP in the Reporting-MTA field', (t) => {
  t.is(
    sendingIpOf(rcpt, fields('', { reportingMta: 'mo-out03.example-hoster.net [203.0.113.3]' }), noList),
    '203.0.113.3',
  );
});

test('prefixOf: /24 and /64', (t) => {
  t.is(prefixOf('198.51.100.77'), '198.51.100.0/24');
  t.is(prefixOf('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  t.is(prefixOf('2001:db8::1'), '2001:db8::/64');
  t.is(prefixOf(''), '');
  t.is(prefixOf('not-an-ip'), '');
});

test('originalSender: X-Postfix-Sender, then Return-Path, then From', (t) => {
  t.is(
    originalSender(fields(POSTFIX_CHAIN, { extra: { 'x-postfix-sender': 'rfc822; Shop@Kunde-A.example' } })),
    'shop@kunde-a.example',
  );
  t.is(originalSender(fields(POSTFIX_CHAIN)), 'shop@kunde-a.example');
  t.is(originalSender(fields('Return-Path: <>\nFrom: "Shop A" <info@kunde-a.example>')), 'info@kunde-a.example');
  t.is(originalSender(fields('')), '');
});

test('sendingAccount: Postfix (Authenticated sender: …)', (t) => {
  t.is(sendingAccount(fields(POSTFIX_CHAIN)), 'shop@kunde-a.example');
});

test('sendingAccount: Exim esmtpsa with envelope-from', (t) => {
  const h =
    'Received: from [192.0.2.201] (helo=[192.168.178.20])\n\tby mo-out03.example-hoster.net with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)\n\t(envelope-from <info@kunde-b.example>)\n\tid 1tQx64-0091E1-07';
  t.is(sendingAccount(fields(h)), 'info@kunde-b.example');
  t.is(sendingAccount(fields(h.replace('esmtpsa', 'esmtps'))), '', 'not authenticated: no account');
});

test('sendingAccount: cPanel headers', (t) => {
  t.is(
    sendingAccount(fields('X-Get-Message-Sender-Via: server1.example.net: authenticated_id: webshop@kunde-c.example')),
    'webshop@kunde-c.example',
  );
  t.is(
    sendingAccount(fields('X-Authenticated-Sender: server1.example.net: news@kunde-d.example')),
    'news@kunde-d.example',
  );
  t.is(sendingAccount(fields('Subject: hi')), '');
});

test('domainOf', (t) => {
  t.is(domainOf('Anna@Hotmail.COM'), 'hotmail.com');
  t.is(domainOf('no-at-sign'), '');
});

/** The line-by-line reading parseHeaders replaced (kept here as the reference). */
function headersBySplit(block: string): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const line of block.includes('\r') ? block.split(/\r\n|\r|\n/) : block.split('\n')) {
    if (line === '') break;
    if (line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) {
      const last = out[out.length - 1];
      if (last) last.value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) out.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return out;
}

test('parseHeaders reads any block as the split-by-lines reading does', (t) => {
  const parts = ['A', 'b', ':', ' ', '\t', '\n', '\n', 'X-Y', ': v', '\u00a0', 'Received', 'İ', '\r'];
  let seed = 1;
  const r = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 20000; k++) {
    let block = '';
    for (let n = r(14); n > 0; n--) block += parts[r(k % 3 === 0 ? parts.length : parts.length - 1)];
    t.deepEqual(parseHeaders(block), headersBySplit(block), JSON.stringify(block));
  }
});

test('parseHeaders: lines without a colon stay linear', (t) => {
  const started = performance.now();
  parseHeaders('x\n'.repeat(32_000) + 'a: b');
  t.true(performance.now() - started < 200);
});

test('baseDomain: the registrable part, empty labels ignored', (t) => {
  const cases: Array<[string, string]> = [
    ['mo-out01.Example-Hoster.net', 'example-hoster.net'],
    ['mail.example.co.uk', 'example.co.uk'],
    ['example.co.uk', 'example.co.uk'],
    ['co.uk', 'co.uk'],
    ['a..b.', 'a.b'],
    ['x.example.com.', 'example.com'],
    ['localhost', ''],
    ['', ''],
    ['...', ''],
    ['a.b.gov.au', 'b.gov.au'],
    ['a.b.ltd.au', 'ltd.au'],
  ];
  for (const [host, base] of cases) t.is(baseDomain(host), base, host);
});

// Provider detection (host/domain table, then the receiver's words) and Microsoft rows on Sisimai's real bounces.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { providerOf } from '../../../transform/rhost/index.ts';
import { toBounceEvents } from '../../../transform/bounce-event.ts';
import type { Provider } from '../../../transform/vocabulary.ts';

const hosts: Array<[string, string, Provider]> = [
  // [recipient domain, MX host, provider]
  ['hotmail.de', '', 'microsoft'],
  ['hotmail.co.uk', '', 'microsoft'],
  ['example.com', 'example-com.mail.protection.outlook.com', 'microsoft'],
  ['outlook.com', 'outlook-com.olc.protection.outlook.com', 'microsoft'],
  ['example.org', 'aspmx.l.google.com', 'google'],
  ['googlemail.com', '', 'google'],
  ['aol.com', 'mx-aol.mail.gm0.yahoodns.net', 'yahoo'],
  ['yahoo.co.jp', '', 'yahoo'],
  ['gmx.de', 'mx00.emig.gmx.net', 'gmx'],
  ['web.de', 'mx-ha03.web.de', 'webde'],
  ['kunde.example', 'mx00.ionos.de', 'ionos'],
  ['kunde.example', 'mx01.kundenserver.de', 'ionos'],
  ['t-online.de', 'mx00.t-online.de', 'tonline'],
  ['me.com', 'mx01.mail.icloud.com', 'apple'],
  // look-alikes stay other
  ['live.example.org', '', 'other'],
  ['olive.com', '', 'other'],
  ['liverco.uk', '', 'other'], // the dot after a brand is a dot: not live + any character + co.uk
  ['gmx.example.com', '', 'other'],
  ['example.net', 'eu-smtp-inbound-1.mimecast.com', 'mimecast'], // a gateway, but the MX that refused: its own receiver since issue 12
];

for (const [domain, mx, want] of hosts) {
  test(`providerOf(${domain}, ${mx || '-'}) = ${want}`, (t) => {
    t.is(providerOf(domain, mx, ''), want);
  });
}

// [recipient domain, MX, text, provider]: who refused decides (the MX, then the refuser's signature, then the
// recipient domain); brands sharing one table keep the recipient's; the receiver's words are the last resort
const refusers: Array<[string, string, string, Provider]> = [
  ['gmail.com', 'contoso-com.mail.protection.outlook.com', '550 5.7.1 ...', 'microsoft'],
  [
    'gmail.com',
    '',
    '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. AS(7230) [AM0EUR02FT011.eop-EUR02.prod.protection.outlook.com]',
    'microsoft',
  ],
  ['hotmail.com', '', '550-5.7.26 This mail has been blocked. - gsmtp', 'google'],
  ['gmail.com', '', '550 5.1.1 user unknown (sender shop@t-online.de)', 'google'],
  ['hotmail.de', 'mx.relay.example', '550 5.1.1 user unknown', 'microsoft'],
  ['web.de', 'mx00.emig.gmx.net', '', 'webde'],
  [
    'kunde.example',
    '',
    '550 5.7.606 Access denied, banned sending IP [203.0.113.1]. https://sender.office.com/',
    'microsoft',
  ],
  ['kunde.example', '', '550-5.7.26 This mail has been blocked. - gsmtp', 'google'],
  ['kunde.example', '', '554 IP=203.0.113.4 - A problem occurred. (BL)', 'tonline'],
  ['kunde.example', 'eu-smtp-inbound-2.mimecast.com', '550 Invalid Recipient', 'mimecast'],
  ['kunde.example', '', '554 Host network not allowed - https://community.mimecast.com/docs/DOC-1369#554', 'mimecast'],
  ['kunde.example', '', '550 5.1.1 user unknown', 'other'],
];
for (const [domain, mx, text, want] of refusers) {
  test(`providerOf(${domain}, ${mx || '-'}, ${text.slice(0, 30) || '-'}) = ${want}`, (t) => {
    t.is(providerOf(domain, mx, text), want);
  });
}

// Sisimai's own Microsoft samples (BSD-2, read in place, never copied): skipped when the corpus is absent.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/sisimai/maildir/bsd');
const real: Array<[string, Record<string, unknown>]> = [
  [
    'rhost-microsoft-01.eml',
    { provider: 'microsoft', ms_code: '5.7.606', category: 'ip_blocklist', listed_ip: '198.51.100.222' },
  ],
  ['rhost-microsoft-02.eml', { provider: 'microsoft', ms_code: '5.4.1', category: 'recipient_unknown' }],
  ['rhost-microsoft-04.eml', { provider: 'microsoft', ms_code: '5.7.509', category: 'auth_failure' }],
  [
    'rhost-microsoft-05.eml',
    { provider: 'microsoft', ms_code: 'S3113', category: 'ip_reputation', listed_ip: '192.0.2.25' },
  ],
];
for (const [file, want] of real) {
  test(`Sisimai corpus ${file}`, async (t) => {
    const full = path.join(corpus, file);
    if (!fs.existsSync(full)) {
      t.log(`skipped: ${full} not found (the shared Sisimai corpus is not on this machine)`);
      t.pass();
      return;
    }
    const result = await toBounceEvents(
      fs.readFileSync(full),
      { receivedAt: new Date(0) },
      { maxMessageBytes: 1 << 24 },
    );
    t.is(result.kind, 'ok');
    if (result.kind === 'ok') t.like(result.events[0], want);
  });
}

// The shapes hosters' bounces really come in (test/fixtures/hoster): mail about a bounce that is none, our
// sending IP from the returned headers, rewrapped, re-encoded and truncated reports. Through the real parse path.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { toBounceEvents, type BounceEvent, type TransformResult } from '../../../transform/bounce-event.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/hoster');

async function resultOf(file: string): Promise<TransformResult> {
  const raw = fs.readFileSync(path.join(dir, `${file}.eml`));
  return toBounceEvents(raw, { receivedAt: new Date('2026-03-20T00:00:00Z') }, { maxMessageBytes: 10 * 1024 * 1024 });
}

async function eventsOf(file: string): Promise<BounceEvent[]> {
  const r = await resultOf(file);
  if (r.kind !== 'ok') throw new Error(`${file}: ${r.kind} ${r.reason}`);
  return r.events;
}

// 6. A person forwarding or quoting a bounce, a helpdesk ticket pasting one: nothing, counted as not_a_bounce.
for (const file of ['not-bounce-forwarded-inline', 'not-bounce-quoted-reply', 'not-bounce-helpdesk-ticket']) {
  test(`${file}: no events, skipped as not_a_bounce`, async (t) => {
    t.like(await resultOf(file), { kind: 'skip', reason: 'not_a_bounce' });
  });
}

// 7. Our sending IP for every recipient of a bounce.
test('two recipients, one receiver names our IP: both events carry it as the sending IP', async (t) => {
  const events = await eventsOf('two-recipients-one-named-ip');
  t.deepEqual(
    events.map((e) => [e.recipient, e.listed_ip, e.sending_ip, e.sending_prefix]),
    [
      ['lisa.m@hotmail.de', '203.0.113.21', '203.0.113.21', '203.0.113.0/24'],
      ['kai.r@gmail.com', null, '203.0.113.21', '203.0.113.0/24'],
    ],
  );
});

test('no IP in the text: the Received hop that names the reporting MTA gives its IPv6; internal hops skipped', async (t) => {
  const [e] = await eventsOf('received-ipv6-outbound-filter');
  t.like(e, {
    listed_ip: null,
    sending_ip: '2001:db8:77::25',
    sending_prefix: '2001:db8:77::/64',
    account: 'kanzlei@kunde-f.example',
  });
});

// 4. Rewrapped at 72-78 columns anywhere: inside words, between "[" and the IP, inside the IP and the S-code.
test('a text-only notice hard-wrapped inside the IP, "block list" and "(S3150)" still names IP and code', async (t) => {
  const events = await eventsOf('rewrapped-text-notice');
  t.deepEqual(
    events.map((e) => [e.recipient, e.listed_ip, e.ms_code, e.reason]),
    [
      ['jonas.w@outlook.com', '198.51.100.44', 'S3150', 'blocked'],
      ['mia.f@hotmail.de', '198.51.100.44', 'S775', 'badreputation'],
    ],
  );
});

test('a delivery-status part folded inside an IPv6 address and an AS rule number', async (t) => {
  const events = await eventsOf('rewrapped-dsn');
  t.deepEqual(
    events.map((e) => [e.recipient, e.listed_ip, e.ms_code, e.ms_rule]),
    [
      ['leonie.b@live.de', '2001:db8:77:1::25', 'S3140', ''],
      ['tim.o@contoso-partner.example', '203.0.113.21', '5.7.606', 'AS1430'],
    ],
  );
});

const S3150 =
  "550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.";

/** A Postfix text notice whose reply is cut every `width` columns, the first line `offset` columns in. */
function wrappedNotice(offset: number, width: number, indent: string): Buffer {
  const padded = 'x'.repeat(offset) + S3150;
  const lines: string[] = [];
  for (let i = 0; i < padded.length; i += width) lines.push(padded.slice(i, i + width));
  lines[0] = lines[0].slice(offset);
  return Buffer.from(
    [
      'From: MAILER-DAEMON@mo-out01.example-hoster.net (Mail Delivery System)',
      'To: shop@kunde-a.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Date: Wed, 11 Mar 2026 09:12:02 +0100',
      '',
      '<anna@hotmail.com>: host hotmail-com.olc.protection.outlook.com[192.0.2.15] said:',
      ...lines.filter(Boolean).map((l) => indent + l),
      '',
    ].join('\n'),
  );
}

test('every cut position at 72-78 columns, indented or not: IP and S-code are found', async (t) => {
  const misses: string[] = [];
  for (const width of [72, 74, 76, 78]) {
    for (let offset = 0; offset < width; offset++) {
      for (const indent of ['', '    ']) {
        const r = await toBounceEvents(
          wrappedNotice(offset, width, indent),
          { receivedAt: new Date('2026-03-20T00:00:00Z') },
          { maxMessageBytes: 1 << 20 },
        );
        const e = r.kind === 'ok' ? r.events[0] : undefined;
        if (e?.listed_ip !== '198.51.100.7' || e.ms_code !== 'S3150' || e.reason !== 'blocked') {
          misses.push(`w${width} o${offset} '${indent}': ${e?.listed_ip} ${e?.ms_code} ${e?.reason}`);
        }
      }
    }
  }
  t.deepEqual(misses, []);
});

// 2. Re-encoded reports: human part and delivery-status as base64 or quoted-printable, the DSN part as text/plain.
for (const file of ['encoded-base64', 'encoded-qp-dsn-as-text']) {
  test(`${file}: code and IP as from the plain report`, async (t) => {
    const [e] = await eventsOf(file);
    t.like(e, {
      recipient: 'sophie.k@outlook.de',
      status: '5.7.1',
      reason: 'blocked',
      ms_code: 'S3150',
      listed_ip: '198.51.100.61',
      sender: 'info@kunde-i.example',
      reporting_mta: 'mo-out01.example-hoster.net',
    });
  });
}

// 3. Truncated bounces (a size limit cut them, no closing boundary) keep their verdict.
test('cut inside the last Diagnostic-Code: the text has the whole reply, and the recipients after the cut', async (t) => {
  const events = await eventsOf('truncated-in-dsn');
  t.deepEqual(
    events.map((e) => [e.recipient, e.reason, e.ms_code, e.listed_ip, e.sending_ip]),
    [
      ['lisa.m@hotmail.de', 'blocked', 'S3150', '203.0.113.21', '203.0.113.21'],
      ['kai.r@gmail.com', 'userunknown', '', null, '203.0.113.21'],
    ],
  );
});

for (const file of ['truncated-in-returned-headers', 'truncated-encoded-dsn']) {
  test(`${file}: verdict, code and IP kept`, async (t) => {
    const [e] = await eventsOf(file);
    t.like(e, { recipient: 'sophie.k@outlook.de', reason: 'blocked', ms_code: 'S3150', listed_ip: '198.51.100.61' });
  });
}

test('the same report cut at every point after its delivery-status part starts keeps reason, code and IP', async (t) => {
  const full = fs.readFileSync(path.join(dir, '../rhost/microsoft-s3150-ipv4.eml'), 'latin1');
  const misses: string[] = [];
  for (let cut = full.indexOf('message/delivery-status'); cut < full.length; cut += 5) {
    const r = await toBounceEvents(
      Buffer.from(full.slice(0, cut), 'latin1'),
      { receivedAt: new Date('2026-03-20T00:00:00Z') },
      { maxMessageBytes: 1 << 20 },
    );
    const e = r.kind === 'ok' ? r.events[0] : undefined;
    if (e?.reason !== 'blocked' || e.ms_code !== 'S3150' || e.listed_ip !== '198.51.100.7')
      misses.push(`${cut}: ${e?.reason} ${e?.ms_code} ${e?.listed_ip}`);
  }
  t.deepEqual(misses, []);
});

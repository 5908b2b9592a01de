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
  t.deepEqual(events.map((e) => [e.recipient, e.listed_ip, e.sending_ip, e.sending_prefix]), [
    ['lisa.m@hotmail.de', '203.0.113.21', '203.0.113.21', '203.0.113.0/24'],
    ['kai.r@gmail.com', null, '203.0.113.21', '203.0.113.0/24'],
  ]);
});

test('no IP in the text: the Received hop that names the reporting MTA gives its IPv6; internal hops skipped', async (t) => {
  const [e] = await eventsOf('received-ipv6-outbound-filter');
  t.like(e, { listed_ip: null, sending_ip: '2001:db8:77::25', sending_prefix: '2001:db8:77::/64', account: 'kanzlei@kunde-f.example' });
});

// samples/incident-2018-s3150 through the real source reader and toBounceEvents: the numbers samples/README.md states.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { readSources } from '../../ingest/sources/files.ts';
import { toBounceEvents, type BounceEvent } from '../../transform/bounce-event.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const incident = path.join(repoRoot, 'samples/incident-2018-s3150');

const events: BounceEvent[] = [];
const skipped: string[] = [];
let records = 0;

test.before(async () => {
  for await (const item of readSources([incident])) {
    if (item.kind !== 'record') throw new Error(`${item.source}: ${item.error}`);
    records++;
    const result = await toBounceEvents(
      item.bytes,
      { receivedAt: item.receivedAt },
      { maxMessageBytes: 10 * 1024 * 1024 },
    );
    if (result.kind === 'ok') events.push(...result.events);
    else if (result.kind === 'skip') skipped.push(`${path.basename(item.source)}:${result.reason}`);
    else throw new Error(`${item.source}: dlq ${result.reason} ${result.error}`);
  }
});

function countBy(key: (e: BounceEvent) => string, list = events): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of list) out[key(e)] = (out[key(e)] ?? 0) + 1;
  return out;
}

const isListing = (e: BounceEvent) => e.ms_code === 'S3150' || e.ms_code === 'S3140';

test('40 messages: 39 bounces, one auto-reply skipped', (t) => {
  t.is(records, 40);
  t.is(events.length, 39);
  t.deepEqual(skipped, ['2018-02-13T0930-autoreply.eml:auto_reply']);
});

test('per ms_code, category and provider', (t) => {
  t.deepEqual(
    countBy((e) => e.ms_code),
    { S3150: 22, S3140: 3, S843: 4, S2017062302: 3, '': 7 },
  );
  t.deepEqual(
    countBy((e) => e.category),
    { ip_blocklist: 26, ip_reputation: 4, recipient_unknown: 6, mailbox_full: 2, auth_failure: 1 },
  );
  t.deepEqual(
    countBy((e) => e.provider),
    { microsoft: 32, gmx: 2, webde: 2, google: 1, tonline: 1, other: 1 },
  );
});

test('six listed IPs in two /24s; nine bounces name no IP', (t) => {
  const listed = [...new Set(events.map((e) => e.listed_ip).filter((ip): ip is string => ip !== null))].sort();
  t.deepEqual(listed, [
    '198.51.100.11',
    '198.51.100.12',
    '198.51.100.13',
    '203.0.113.21',
    '203.0.113.22',
    '203.0.113.23',
  ]);
  t.deepEqual([...new Set(events.map((e) => e.sending_prefix).filter(Boolean))].sort(), [
    '198.51.100.0/24',
    '203.0.113.0/24',
  ]);
  t.is(events.filter((e) => e.sending_ip === '').length, 9);
});

test('block-list rejections per IP, and when each IP was first listed (UTC)', (t) => {
  const listings = events.filter(isListing);
  t.deepEqual(
    countBy((e) => `${e.listed_ip} ${e.ms_code}`, listings),
    {
      '198.51.100.11 S3150': 5,
      '198.51.100.12 S3150': 5,
      '198.51.100.13 S3150': 4,
      '203.0.113.21 S3150': 5,
      '203.0.113.22 S3150': 3,
      '203.0.113.23 S3140': 3,
    },
  );
  const first: Record<string, string> = {};
  for (const e of [...listings].sort((a, b) => a.bounced_at.localeCompare(b.bounced_at)))
    first[e.listed_ip!] ??= `${e.bounced_at} ${e.account}`;
  t.deepEqual(first, {
    '198.51.100.11': '2018-02-12 07:12:07 buchhaltung@kunde-mueller.example',
    '198.51.100.12': '2018-02-12 07:40:07 info@pension-seeblick.example',
    '198.51.100.13': '2018-02-12 13:10:07 rechnung@stadtwerke-nord.example',
    '203.0.113.21': '2018-02-13 06:55:07 buchhaltung@kunde-mueller.example',
    '203.0.113.22': '2018-02-13 07:20:07 info@pension-seeblick.example',
    '203.0.113.23': '2018-02-13 12:00:07 anna@kunde-privat.example',
  });
});

test('before the first listing only the two compromised accounts bounced', (t) => {
  const firstListing = events
    .filter(isListing)
    .map((e) => e.bounced_at)
    .sort()[0];
  const before = events.filter((e) => e.bounced_at < firstListing);
  t.is(before.length, 5);
  t.deepEqual([...new Set(before.map((e) => e.account))].sort(), [
    'buchhaltung@kunde-mueller.example',
    'info@pension-seeblick.example',
  ]);
  t.deepEqual(
    countBy((e) => e.ms_code, before),
    { S2017062302: 3, S843: 2 },
  );
  t.is(new Set(events.map((e) => e.account)).size, 7);
});

test('the other receivers', (t) => {
  const of = (p: string) =>
    events.filter((e) => e.provider === p).map((e) => `${e.reason}${e.listed_ip ? ' ' + e.listed_ip : ''}`);
  t.deepEqual(of('gmx'), ['userunknown', 'userunknown']);
  t.deepEqual(of('webde'), ['mailboxfull', 'mailboxfull']);
  t.deepEqual(of('google'), ['authfailure']);
  t.deepEqual(of('tonline'), ['blocked 198.51.100.13']);
});

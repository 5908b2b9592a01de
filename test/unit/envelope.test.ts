import test from 'ava';
import { verpRecipient, withEnvelope } from '../../ingest/envelope.ts';
import type { StepResult } from '../../ingest/pipeline.ts';
import type { BounceEvent } from '../../transform/bounce-event.ts';
import { readOneMessage } from '../../ingest/sources/stdin.ts';
import { deliveredTo } from '../../ingest/sources/maildir-watch.ts';
import { Readable } from 'node:stream';

test('VERP addresses give the original recipient (Postfix +=, and -=); others give none', (t) => {
  t.is(verpRecipient('bounces+alice=example.org@bounce.example.net'), 'alice@example.org');
  t.is(verpRecipient('bounce-news-alice.smith=Example.ORG@bounce.example.net'), 'news-alice.smith@example.org');
  t.is(
    verpRecipient('bounces+a=b=c.example.org@x.example.net'),
    'a=b@c.example.org',
    'the last = splits local part and domain',
  );
  t.is(verpRecipient('bounces@bounce.example.net'), '');
  t.is(verpRecipient('bounces+tag@bounce.example.net'), '');
  t.is(verpRecipient('no-at-sign'), '');
});

const event = (over: Partial<BounceEvent>): BounceEvent =>
  ({ event_id: 'e1', recipient: '', recipient_domain: '', sender: '', sender_domain: '', ...over }) as BounceEvent;
const ok = (events: BounceEvent[]): StepResult => ({ kind: 'ok', events, mtaKind: 'postfix' });

test('the envelope fills only what the bounce lacks', (t) => {
  const env = 'bounces+alice=example.org@bounce.example.net';
  const r = withEnvelope(
    ok([
      event({}),
      event({
        recipient: 'bob@example.com',
        recipient_domain: 'example.com',
        sender: 'news@example.net',
        sender_domain: 'example.net',
      }),
    ]),
    env,
    false,
  );
  if (r.kind !== 'ok') return t.fail();
  t.like(r.events[0], {
    recipient: 'alice@example.org',
    recipient_domain: 'example.org',
    sender: env,
    sender_domain: 'bounce.example.net',
  });
  t.like(r.events[1], { recipient: 'bob@example.com', sender: 'news@example.net' });
  const hashed = withEnvelope(ok([event({})]), env, true);
  if (hashed.kind !== 'ok') return t.fail();
  t.regex(
    hashed.events[0].recipient,
    /^[0-9a-f]{12}@example\.org$/,
    "the recipient is hashed like the parser's when BOUNCE_HASH_LOCAL_PART is on",
  );
  const skip: StepResult = { kind: 'skip', reason: 'not_a_bounce', detail: '' };
  t.is(withEnvelope(skip, env, false), skip);
  const untouched = ok([event({})]);
  t.is(withEnvelope(untouched, undefined, false), untouched);
  t.is(withEnvelope(untouched, 'not an address', false), untouched);
});

test('stdin: one message; a leading From line is cut; empty and oversize are told apart', async (t) => {
  const msg = 'Subject: x\n\nbody\n';
  t.deepEqual(await readOneMessage(Readable.from([Buffer.from(msg)]), 1024), {
    kind: 'message',
    bytes: Buffer.from(msg),
  });
  t.deepEqual(
    await readOneMessage(Readable.from([Buffer.from(`From MAILER-DAEMON Wed Mar 14 09:20:00 2018\n${msg}`)]), 1024),
    { kind: 'message', bytes: Buffer.from(msg) },
  );
  t.deepEqual(await readOneMessage(Readable.from([Buffer.from(' \r\n\n')]), 1024), { kind: 'empty' });
  t.deepEqual(await readOneMessage(Readable.from([Buffer.alloc(3000, 'a'), Buffer.alloc(3000, 'b')]), 1024), {
    kind: 'too_large',
    bytes: 6000,
  });
});

test('Maildir: Delivered-To in the header block names the envelope recipient', (t) => {
  t.is(
    deliveredTo(
      Buffer.from(
        'Return-Path: <>\nDelivered-To: bounces+a=b.org@bounce.example.net\nSubject: x\n\nDelivered-To: no@x.org\n',
      ),
    ),
    'bounces+a=b.org@bounce.example.net',
  );
  t.is(deliveredTo(Buffer.from('Subject: x\n\nDelivered-To: no@x.org\n')), undefined);
});

// makeEvent(overrides): a valid BounceEvent for tests. Defaults describe one Microsoft S3150 block-list rejection.
import { createHash } from 'node:crypto';
import type { BounceEvent } from '../../transform/bounce-event.ts';

let counter = 0;

export function makeEvent(overrides: Partial<BounceEvent> = {}): BounceEvent {
  counter += 1;
  const base: BounceEvent = {
    event_id: '',
    received_at: '2026-03-02T10:00:00.000Z',
    bounced_at: '2026-03-02 10:00:00',
    reporting_mta: 'mx-out-1.example.net',
    remote_mta: 'outlook-com.olc.protection.outlook.com',
    mta_kind: 'postfix',
    sending_ip: '198.51.100.7',
    sending_prefix: '198.51.100.0/24',
    listed_ip: '198.51.100.7',
    sender: 'alice@example.net',
    sender_domain: 'example.net',
    account: 'alice@example.net',
    recipient: `user${counter}@outlook.com`,
    recipient_domain: 'outlook.com',
    action: 'failed',
    status: '5.7.1',
    reply_code: 550,
    diagnostic:
      "550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
    reason: 'blocked',
    category: 'ip_blocklist',
    provider: 'microsoft',
    ms_code: 'S3150',
    ms_rule: '',
    kafka_partition: 0,
    kafka_offset: counter,
    adjustments: [],
  };
  const event = { ...base, ...overrides };
  if (!overrides.event_id) {
    event.event_id = createHash('sha256')
      .update(`${counter}\n${JSON.stringify(event)}`)
      .digest('hex')
      .slice(0, 32);
  }
  return event;
}

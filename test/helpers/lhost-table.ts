// Sisimai-style table runner: each row names a fixture under test/fixtures/lhost and what one recipient must look like.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestFn } from 'ava';
import { toBounceEvents } from '../../transform/bounce-event.ts';

export interface LhostExpect {
  file: string;
  recipient: string;
  status: string;
  replyCode: number;
  action: string;
  mtaKind: string;
  /** optional extra checks */
  remoteMta?: string;
  msCode?: string;
  reportingMta?: string;
  diagnostic?: RegExp;
}

export const LHOST_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/lhost');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(LHOST_FIXTURES, name.endsWith('.eml') ? name : `${name}.eml`));
}

/** One ava test per row: parse the fixture, find the recipient, compare the fields. */
export function runLhostTable(test: TestFn, rows: readonly LhostExpect[]): void {
  for (const row of rows) {
    test(`${row.file}: ${row.recipient} ${row.status}`, async (t) => {
      const result = await toBounceEvents(
        fixture(row.file),
        { receivedAt: new Date('2026-03-01T00:00:00Z') },
        { maxMessageBytes: 1 << 20 },
      );
      if (result.kind !== 'ok') return t.fail(`${row.file}: expected events, got ${result.kind} ${result.reason}`);
      const event = result.events.find((e) => e.recipient === row.recipient);
      if (!event)
        return t.fail(
          `${row.file}: no event for ${row.recipient}; got ${result.events.map((e) => e.recipient).join(', ')}`,
        );
      t.like(
        { status: event.status, replyCode: event.reply_code, action: event.action, mtaKind: event.mta_kind },
        { status: row.status, replyCode: row.replyCode, action: row.action, mtaKind: row.mtaKind },
      );
      if (row.remoteMta !== undefined) t.is(event.remote_mta, row.remoteMta);
      if (row.msCode !== undefined) t.is(event.ms_code, row.msCode);
      if (row.reportingMta !== undefined) t.is(event.reporting_mta, row.reportingMta);
      t.true(Buffer.byteLength(event.diagnostic) <= 1024, 'diagnostic capped at 1 KiB');
      if (row.diagnostic) t.regex(event.diagnostic, row.diagnostic);
      t.regex(event.bounced_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    });
  }
}

// Ordered registry of reporting-MTA parsers. First module that matches and finds recipients wins;
// specific families come before the ones their texts resemble (Gmail and Yahoo before Exim and qmail,
// Exchange Online (by its X-MS-Exchange headers) before the older Hotmail style, both before on-premises
// Exchange), rfc3464 and scan-text last.
import type { DsnFields } from '../../dsn-fields.ts';
import type { BounceMessage } from '../message.ts';
import type { Lhost } from './define.ts';
import { amazonses } from './amazonses.ts';
import { courier } from './courier.ts';
import { domino } from './domino.ts';
import { exchange } from './exchange.ts';
import { exim } from './exim.ts';
import { gmail } from './gmail.ts';
import { haraka } from './haraka.ts';
import { messagingserver } from './messagingserver.ts';
import { notes } from './notes.ts';
import { office365 } from './office365.ts';
import { opensmtpd } from './opensmtpd.ts';
import { outlook } from './outlook.ts';
import { postfix } from './postfix.ts';
import { powermta } from './powermta.ts';
import { qmail } from './qmail.ts';
import { rfc3464Lhost } from './rfc3464.ts';
import { scanTextLhost } from './scan-text.ts';
import { sendmail } from './sendmail.ts';
import { yahoo } from './yahoo.ts';

export const LHOSTS: readonly Lhost[] = [
  amazonses,
  office365,
  outlook,
  gmail,
  yahoo,
  exchange,
  powermta,
  haraka,
  courier,
  opensmtpd,
  messagingserver,
  domino,
  notes,
  postfix,
  exim,
  qmail,
  sendmail,
  rfc3464Lhost,
  scanTextLhost,
];

/** Runs the registry; null when no module found a recipient. */
export function parseWithLhosts(msg: BounceMessage): DsnFields | null {
  for (const lhost of LHOSTS) {
    if (!lhost.matches(msg)) continue;
    const fields = lhost.parse(msg);
    if (fields && fields.recipients.length > 0) return fields;
  }
  return null;
}

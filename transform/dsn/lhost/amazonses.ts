// Amazon SES: DSN from MAILER-DAEMON@*.amazonses.com, and SNS email notifications carrying the bounce as JSON.
import type { DsnFields, DsnRecipient } from '../../dsn-fields.ts';
import { header } from '../../mime.ts';
import { bestStatus, commandIn, remoteMtaIn, replyCodeIn, stripDiagnosticType, unfold } from '../codes.ts';
import { parseDate } from '../dates.ts';
import type { BounceMessage } from '../message.ts';
import { defineLhost, type Lhost } from './define.ts';

const dsn = defineLhost({
  name: 'amazonses',
  match: [
    ['from', /@(?:[\w-]+\.)*amazonses\.com|@sns\.amazonaws\.com/],
    ['h:x-aws-outgoing', /(?:)/],
    ['h:x-ses-outgoing', /(?:)/],
    ['h:feedback-id', /amazonses|:ses/i],
  ],
});

/** SES notifications (JSON, possibly inside an SNS envelope) that are not bounces. */
const SES_COMPLAINT = /\\?"notificationType\\?"\s*:\s*\\?"Complaint/;
const SES_DELIVERY = /\\?"notificationType\\?"\s*:\s*\\?"Delivery\\?"/;

/** An SES notification that is not a bounce: a complaint (a feedback report) or a delivery; undefined else. */
export function sesNoticeOf(text: string): 'complaint' | 'delivery' | undefined {
  if (!text.includes('notificationType')) return undefined; // what both patterns need: one scan, no regex run
  if (SES_COMPLAINT.test(text)) return 'complaint';
  return SES_DELIVERY.test(text) ? 'delivery' : undefined;
}

export const amazonses: Lhost = {
  name: 'amazonses',
  matches: dsn.matches,
  parse: (msg) => (msg.text.includes('notificationType') ? parseNotification(msg) : null) ?? dsn.parse(msg),
};

interface SesRecipient {
  emailAddress?: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
}
interface SesNotification {
  Message?: unknown;
  notificationType?: string;
  bounce?: { bouncedRecipients?: SesRecipient[]; timestamp?: string; reportingMTA?: string; remoteMtaIp?: string };
  mail?: { commonHeaders?: { from?: string[] }; source?: string; headers?: Array<{ name: string; value: string }> };
}

/** The SNS JSON body (the text may be wrapped at 76 columns). */
function parseNotification(msg: BounceMessage): DsnFields | null {
  const start = msg.text.indexOf('{');
  const end = msg.text.lastIndexOf('}');
  if (start === -1 || end <= start) return null;
  const body = msg.text.slice(start, end + 1);
  let json = tryJson(body) ?? tryJson(body.replace(/\n/g, ''));
  // an SNS envelope carries the SES notification as a JSON string in "Message"
  if (json && typeof json.Message === 'string') json = tryJson(json.Message);
  if (!json || json.notificationType !== 'Bounce' || !json.bounce?.bouncedRecipients?.length) return null;
  const at = parseDate(json.bounce.timestamp);
  const recipients: DsnRecipient[] = json.bounce.bouncedRecipients
    .filter((r) => r.emailAddress)
    .map((r) => {
      const diagnostic = unfold(stripDiagnosticType(r.diagnosticCode ?? ''));
      const status = bestStatus(r.status ?? '', diagnostic);
      return {
        recipient: r.emailAddress!.toLowerCase(),
        action: (r.action ?? 'failed').toLowerCase(),
        status,
        replyCode: replyCodeIn(diagnostic, status),
        diagnostic,
        remoteMta: remoteMtaIn(diagnostic),
        command: commandIn(diagnostic),
        lastAttemptDate: at,
      };
    });
  const headers = (json.mail?.headers ?? []).map((h) => `${h.name}: ${h.value}`).join('\n');
  return {
    mtaKind: 'amazonses',
    reportingMta: (json.bounce.reportingMTA ?? '').replace(/^\s*dns;\s*/i, ''),
    messageDate: parseDate(header(msg.headers, 'date')),
    recipients,
    original: { headers: headers || (json.mail?.source ? `From: ${json.mail.source}` : msg.originalHeaders) },
    extra: json.bounce.remoteMtaIp ? { 'remote-mta-ip': json.bounce.remoteMtaIp } : {},
  };
}

function tryJson(s: string): SesNotification | null {
  try {
    return JSON.parse(s) as SesNotification;
  } catch {
    return null; // not JSON after all: the DSN path takes over
  }
}

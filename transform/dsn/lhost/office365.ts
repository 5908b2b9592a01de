// Exchange Online (Microsoft 365): HTML + text NDR "Your message to X couldn't be delivered", DSN part.
import type { DsnFields } from '../../dsn-fields.ts';
import { bestStatus, commandIn, replyCodeIn } from '../codes.ts';
import type { BounceMessage } from '../message.ts';
import { defineLhost, type Lhost } from './define.ts';

const base = defineLhost({
  name: 'office365',
  match: [
    ['h:x-ms-exchange-message-is-ndr', /(?:)/],
    ['h:x-ms-exchange-crosstenant-fromentityheader', /(?:)/],
    ['h:message-id', /\.(?:prod|protection)\.(?:outlook|office365)\.com>?$/i],
    ['h:received', /\.(?:protection\.outlook|outbound\.protection\.outlook|prod\.outlook)\.com\b/i],
    ['text', /Office 365|Microsoft 365|For Email Administrators/],
  ],
  start: [/couldn't be delivered|Delivery has failed to these recipients|Diagnostic information for administrators/i],
});

/** The newer layout's "Original Message Details" name the sender too: that address is never a recipient. */
const SENDER_LINE = /^[ \t]*Sender Address:[ \t]*([^\s@]+@\S+)/im;
/** The receiver's reply in the newer layout ("Error Details / Reported error: 550 ...") and the older one. */
const REPLY_LINE = /^[ \t]*(?:Reported error|Error):[ \t]*(\S.*)$|Remote Server returned '(.+)'[ \t]*$/im;

/**
 * Without a delivery-status part the newer HTML layout is read as text: its "Status code:" summary and the
 * details block come before the receiver's own reply, which is what the recipient's diagnostic must be.
 */
export const office365: Lhost = {
  ...base,
  parse(msg: BounceMessage): DsnFields | null {
    const fields = base.parse(msg);
    if (!fields || msg.deliveryStatus) return fields;
    const sender = SENDER_LINE.exec(msg.text)?.[1]?.toLowerCase();
    const recipients = fields.recipients.filter((r) => r.recipient !== sender);
    const m = REPLY_LINE.exec(msg.text);
    const reply = (m?.[1] ?? m?.[2] ?? '').trim();
    if (reply) {
      for (const r of recipients) {
        if (r.diagnostic.includes(reply)) continue;
        r.diagnostic = reply;
        r.status = bestStatus('', reply) || r.status;
        r.replyCode = replyCodeIn(reply, r.status) || r.replyCode;
        r.command = r.command || commandIn(reply);
      }
    }
    return recipients.length > 0 ? { ...fields, recipients } : null;
  },
};

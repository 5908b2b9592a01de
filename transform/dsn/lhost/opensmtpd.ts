// OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail."
import { defineLhost } from './define.ts';

export const opensmtpd = defineLhost({
  name: 'opensmtpd',
  match: [
    ['text', /This is the MAILER-DAEMON, please DO NOT REPLY to this e-?mail/i],
    ['subject', /^Delivery status notification: (?:error|warning|delay)/i],
    ['h:received', /\(OpenSMTPD\)/],
  ],
  start: [/the following list of recipients|following recipients/i],
});

// Exim: "This message was created automatically by mail delivery software", X-Failed-Recipients.
import { ADDR } from '../text-report.ts';
import { defineLhost } from './define.ts';

export const exim = defineLhost({
  name: 'exim',
  match: [
    [
      'text',
      /This message was created automatically by mail delivery software|could not be delivered to one or more of its\s+recipients/,
    ],
    ['subject', /^Mail delivery failed|^Warning: message .* delayed/i],
    ['h:message-id', /^<\w{6}-\w{6}-\w{2,4}@/],
    ['h:x-failed-recipients', /@/],
  ],
  // "A message sent by <sender> could not be delivered": recipients come after "address(es) failed:"
  start: [/address(?:\(es\))? failed:|addresses failed:/i],
  // "pipe to |/usr/local/bin/prog user@example.com ...": delivery to a program (a local mailer) failed
  recipientLines: [new RegExp(String.raw`^\s*(?<diag>pipe to \|.*?(?<addr>${ADDR}).*)$`)],
});

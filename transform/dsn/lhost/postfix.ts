// Postfix: RFC 3464 reports with X-Postfix-* fields, and the "This is the mail system at host" text.
import { defineLhost } from './define.ts';

export const postfix = defineLhost({
  name: 'postfix',
  match: [
    ['ds', /^X-Postfix-/im],
    ['text', /This is the mail system at host|^[ \t]*The mail system[ \t]*$|Postfix program/m],
    ['subject', /^Undelivered Mail Returned to Sender|^Delayed Mail \(still being retried\)/i],
  ],
});

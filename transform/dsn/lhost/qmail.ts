// qmail (and netqmail, qmail-ldap): "Hi. This is the qmail-send program at ...", then "<addr>:" blocks.
import { defineLhost } from './define.ts';

export const qmail = defineLhost({
  name: 'qmail',
  match: [
    [
      'text',
      /This is the qmail-send program|qmail-send program at|I'm afraid I wasn't able to deliver your message to the following addresses/,
    ],
    ['h:received', /\(qmail \d+ invoked (?:for bounce|from network)\)/],
  ],
  start: [/to the following addresses|(?:permanent|temporary) error/i],
});

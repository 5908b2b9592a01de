// Yahoo Mail: "Sorry, we were unable to deliver your message to the following address."
import { defineLhost } from './define.ts';

export const yahoo = defineLhost({
  name: 'yahoo',
  match: [
    ['from', /mailer-daemon@(?:[\w-]+\.)*yahoo/],
    ['h:x-ymailisg', /(?:)/],
    ['text', /Sorry, we were unable to deliver your message to the following address/i],
  ],
  start: [/unable to deliver your message to the following address/i],
});

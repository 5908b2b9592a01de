// Gmail / Google Workspace: "Delivery to the following recipient failed permanently" and the newer DSN layout.
import { defineLhost } from './define.ts';

export const gmail = defineLhost({
  name: 'gmail',
  match: [
    ['from', /mailer-daemon@(?:googlemail|google|gmail)\.com/],
    [
      'text',
      /Google tried to deliver your message|Delivery to the following recipient failed permanently|The response from the remote server was:|Your message wasn't delivered to/,
    ],
  ],
  recipientLines: [/\bYour message wasn't delivered to (?<addr>[^\s<>()@]+@[\w.-]+\.[A-Za-z]{2,})\b(?<diag>.*)$/],
});

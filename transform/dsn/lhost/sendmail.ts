// Sendmail (8.x and V5): RFC 3464 report plus the session transcript.
import { defineLhost } from './define.ts';

export const sendmail = defineLhost({
  name: 'sendmail',
  match: [
    [
      'text',
      // (?<!-): a run of dashes is tried from its first dash only (the leftmost match starts there anyway); from
      // every dash of a 980-dash line it was quadratic, 90 ms on 66 such lines
      /(?<!-)-{3,} ?(?:The following addresses had permanent fatal errors|Transcript of session follows)|The original message was received at/,
    ],
    ['subject', /^(?:Returned mail: |Warning: could not send message for past)/i],
  ],
  recipientLines: [/^\s*<?(?<addr>[^\s<>@]+@[^\s<>]+?)>?\.\.\.\s*(?<diag>.*)$/],
});

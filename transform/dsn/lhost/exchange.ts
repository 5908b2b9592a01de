// Microsoft Exchange Server on premises (2003 to 2019): text and HTML NDRs, often with a delivery-status part.
import { defineLhost } from './define.ts';

export const exchange = defineLhost({
  name: 'exchange',
  match: [
    ['h:x-mailer', /Microsoft Exchange/i],
    ['h:x-ms-embedded-report', /(?:)/],
    [
      'text',
      /Microsoft Exchange|did not reach the following recipient|Delivery has failed to these recipients or (?:distribution lists|groups)|Generating server:/i,
    ],
  ],
  // "user@example.net on 1/2/2011 10:00 AM" (Exchange 2003)
  recipientLines: [/^\s*(?<addr>[^\s<>()@]+@[\w.-]+\.[A-Za-z]{2,})\s+on\s+(?<diag>.*)$/],
  start: [
    /did not reach the following recipient|following recipient\(s\) could not be reached|Delivery has failed to these recipients|couldn't be delivered|Your message to .* couldn't be delivered/i,
  ],
});

// Exchange Online (Microsoft 365): HTML + text NDR "Your message to X couldn't be delivered", DSN part.
import { defineLhost } from './define.ts';

export const office365 = defineLhost({
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

// Courier MTA: "This is a delivery status notification from ..., running the Courier mail server".
import { defineLhost } from './define.ts';

export const courier = defineLhost({
  name: 'courier',
  match: [
    ['text', /running the Courier mail server|This is a delivery status notification from/i],
    ['h:message-id', /^<courier\./i],
  ],
});

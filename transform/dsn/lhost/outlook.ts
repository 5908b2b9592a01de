// Microsoft's consumer service (Outlook.com, Hotmail, Live, MSN): postmaster@ NDRs with X-Message-Delivery.
import { defineLhost } from './define.ts';

export const outlook = defineLhost({
  name: 'outlook',
  match: [
    ['from', /postmaster@(?:[\w-]+\.)*(?:hotmail|outlook|live|msn)\.[a-z.]+/],
    ['h:x-message-delivery', /(?:)/],
    ['h:x-message-info', /(?:)/],
  ],
});

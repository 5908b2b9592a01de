// PowerMTA: RFC 3464 report with X-PowerMTA-* fields.
import { defineLhost } from './define.ts';

export const powermta = defineLhost({
  name: 'powermta',
  match: [
    ['ds', /^X-PowerMTA-/im],
    ['text', /PowerMTA/],
  ],
});

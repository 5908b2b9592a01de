// HCL (Lotus) Domino: "Your message ... was not delivered to: ... because:".
import { defineLhost } from './define.ts';

export const domino = defineLhost({
  name: 'domino',
  match: [
    ['subject', /^DELIVERY (?:FAILURE|NOTIFICATION|REPORT):/],
    ['text', /was not delivered to:|Lotus Domino/],
  ],
  start: [/was not delivered to:/],
});

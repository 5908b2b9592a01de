// Any RFC 3464 report whose MTA no family module recognised.
import type { Lhost } from './define.ts';
import { parseReport } from '../parse-report.ts';

export const rfc3464Lhost: Lhost = {
  name: 'rfc3464',
  matches: (msg) => msg.deliveryStatus !== '',
  parse: (msg) => parseReport(msg, 'rfc3464'),
};

// Last resort: any message, free text scanned with the generic recipient-line table.
import type { Lhost } from './define.ts';
import { parseReport } from '../parse-report.ts';

export const scanTextLhost: Lhost = {
  name: 'scan-text',
  matches: () => true,
  parse: (msg) => parseReport(msg, 'scan-text', { ignoreDeliveryStatus: true }),
};

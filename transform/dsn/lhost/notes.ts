// Lotus Notes (R4/R5 SMTP MTA): "------- Failure Reasons --------", then per recipient the reason line(s)
// *above* its address, then "------- Returned Message --------". The generic text scanner reads lines after
// an address, so the reasons are attached here.
import { bestStatus, commandIn, replyCodeIn } from '../codes.ts';
import { parseReport } from '../parse-report.ts';
import { ADDR } from '../text-report.ts';
import type { Lhost } from './define.ts';

const START = /^-{3,}\s*Failure Reasons\s*-{3,}\s*$/m;
const END = /^-{3,}\s*Returned Message\s*-{3,}\s*$/;
const ADDRESS_LINE = new RegExp(String.raw`^\s*<?(${ADDR})>?\s*$`);

export const notes: Lhost = {
  name: 'notes',
  matches: (msg) => START.test(msg.text),
  parse: (msg) => {
    const fields = parseReport(msg, 'notes', { start: [START] });
    if (!fields) return null;
    const reasons = reasonsByAddress(msg.text);
    for (const r of fields.recipients) {
      const above = reasons.get(r.recipient.toLowerCase());
      if (!above) continue;
      // the scanner took the lines *after* the address (the next recipient's reason): replace them
      r.diagnostic = above;
      r.status = bestStatus('', above);
      r.replyCode = replyCodeIn(above, r.status);
      r.command = commandIn(above);
    }
    return fields;
  },
};

/** address (lower case) → the reason lines printed above it in the Failure Reasons section. */
export function reasonsByAddress(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  const at = lines.findIndex((l) => START.test(l));
  if (at < 0) return out;
  let pending: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (END.test(line)) break;
    const addr = ADDRESS_LINE.exec(line)?.[1];
    if (addr) {
      if (pending.length > 0) out.set(addr.toLowerCase(), pending.join(' ').replace(/\s+/g, ' ').trim());
      pending = [];
    } else if (line.trim()) {
      pending.push(line.trim());
    }
  }
  return out;
}

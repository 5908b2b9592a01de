// T-Online / Telekom (receiver-codes.md §2.4): "554 IP=<IP> - <reason>. (<TAG>)" at the greeting.
import { IP_BARE, re, type RuleTable } from './rule.ts';

export const tonline: RuleTable = {
  name: 'tonline',
  rules: [
    { match: /\(BL\)/, reason: 'blocked' },
    { match: /\(NOWL\)|bad reputation/i, reason: 'badreputation' },
    { match: /\(DIAL\)|dialup/i, reason: 'blocked', category: 'policy' },
    { match: /mailbox (?:is )?full|over quota|quota exceeded/i, reason: 'mailboxfull' },
  ],
  listedIp: [re(String.raw`\bIP=${IP_BARE}`)],
};

// T-Online / Telekom (receiver-codes.md §2.4): "554 IP=<IP> - <reason>. (<TAG>)" at the greeting.
import { receiver } from './receiver.ts';
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

export const tonlineReceiver = receiver({
  table: tonline,
  brands: [
    {
      provider: 'tonline',
      hosts: String.raw`t-online\.de|telekom\.de|magenta\.de`,
      texts: /t-online\.de|\(BL\)|\(NOWL\)|\(DIAL\)/i,
      colour: '#c2187a',
    },
  ],
});

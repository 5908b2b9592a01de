// Mimecast, the gateway in front of many company domains (MX *.mimecast.com; receiver-codes.md §2.6). Its
// texts seen most (IP reputation, anti-spoofing, blocked senders) stay in blocklists.ts, which every receiver
// tries: they also come back relayed by an unnamed MX. This table holds the rest of Mimecast's published codes
// (https://github.com/sisimai/go-sisimai/blob/main/rhost/for-mimecast.go cites Mimecast's article).
import { receiver } from './receiver.ts';
import type { RuleTable } from './rule.ts';

export const mimecast: RuleTable = {
  name: 'mimecast',
  rules: [
    { match: /sender address blocked|recipient temporarily unavailable/i, reason: 'blocked' },
    { match: /host network,? not allowed/i, reason: 'policyviolation' },
    { match: /this route requires (?:encryption|tls version|high-strength ciphers)/i, reason: 'failedstarttls' },
    { match: /open relay (?:is )?not allowed/i, reason: 'norelaying' },
    { match: /account service is temporarily unavailable|exceeding outbound thread limit/i, reason: 'toomanyconn' },
    { match: /maximum email size exceeded/i, reason: 'emailtoolarge' },
    { match: /invalid recipient/i, reason: 'userunknown' },
  ],
  listedIp: [],
};

export const mimecastReceiver = receiver({
  table: mimecast,
  brands: [
    {
      provider: 'mimecast',
      hosts: String.raw`mimecast\.com|mimecast-offshore\.com`,
      texts: /\bmimecast\.com\b/i,
      colour: '#0f8b8d',
    },
  ],
});

// Apple iCloud (receiver-codes.md §2.5): bracketed tags; Proofpoint and Spamhaus rows live in blocklists.ts.
import { receiver } from './receiver.ts';
import { IP_BARE, re, type RuleTable } from './rule.ts';

export const apple: RuleTable = {
  name: 'apple',
  rules: [
    { match: /\[HME1\]|DMARC policy|failed both SPF and DKIM/i, reason: 'authfailure' },
    { match: /\[CS0\d\]|\[HM0\d\]/i, reason: 'policyviolation' },
    { match: /deferred due to excessive volume/i, reason: 'ratelimited' },
  ],
  listedIp: [re(String.raw`mail from IP ${IP_BARE}`)],
};

export const appleReceiver = receiver({
  table: apple,
  brands: [
    {
      provider: 'apple',
      hosts: String.raw`icloud\.com|me\.com|mac\.com|apple\.com`,
      texts: /icloud\.com|apple\.com|\[HME1\]|\[CS0\d\]|\[HM0\d\]/i,
      colour: '#5f6b76',
    },
  ],
});

// Yahoo / AOL (receiver-codes.md §2.2): bracketed tags; the IP is bare after "messages from".
import { receiver } from './receiver.ts';
import { IP_BARE, re, type RuleTable } from './rule.ts';

export const yahoo: RuleTable = {
  name: 'yahoo',
  rules: [
    { match: /\[TSS0[4-8]\]|\[TS0[1-3]\]/i, reason: 'badreputation' },
    { match: /\[TSS(?:09|1\d)\]|will be permanently deferred/i, reason: 'blocked' },
    { match: /\[BL2\d\]|on Spamhaus|in Spamhaus/i, reason: 'blocked' },
    { match: /\[PH\d\d\]/i, reason: 'spamdetected' },
    { match: /temporarily deferred due to (?:unexpected volume or )?user complaints/i, reason: 'badreputation' },
    { status: /^5\.7\.9$/, reason: 'authfailure' },
    { match: /not accepted for policy reasons.*(?:unauthenticated|SPF|DKIM)/i, reason: 'authfailure' },
    { match: /unresolvable .*From domain/i, reason: 'rejected' },
    { match: /Max message per connection/i, reason: 'toomanyconn' },
    { match: /receiving mail too quickly/i, reason: 'ratelimited' },
    { match: /mailbox (?:is )?disabled|\b554\.30\b/i, reason: 'suspend' },
    { match: /doesn'?t have a (?:yahoo|aol|ymail)[.a-z]* account|user doesn'?t exist/i, reason: 'userunknown' },
  ],
  listedIp: [re(String.raw`messages from \[?${IP_BARE}\]?`), re(String.raw`from IP \[?${IP_BARE}\]?`)],
};

export const yahooReceiver = receiver({
  table: yahoo,
  brands: [
    {
      provider: 'yahoo',
      hosts: String.raw`yahoodns\.net|yahoo.*|ymail\.com|rocketmail\.com|aol.*|aim\.com`,
      texts: /yahoo(?:inc)?\.com|\baol\.com|\[TSS?\d\d\]/i,
      colour: '#7b4bd1',
    },
  ],
});

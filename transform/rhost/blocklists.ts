// Block lists and gateways named in rejections by any receiver (receiver-codes.md §2.6).
import { IP_BARE, IP_BRACKETED, re, type RuleTable } from './rule.ts';

export const blocklists: RuleTable = {
  name: 'blocklists',
  rules: [
    // Mimecast texts first: they carry their own meaning.
    { match: /Local CT IP Reputation|Internal resources are temporarily unavailable/i, reason: 'badreputation' },
    { match: /IP Temporarily Blacklisted/i, reason: 'blocked' },
    { match: /header-based Anti-Spoofing policy|Email rejected due to security policies/i, reason: 'policyviolation' },
    { match: /Envelope blocked - User Entry/i, reason: 'rejected' },
    { match: /SPF\/DKIM\/DMARC Sender Invalid/i, reason: 'authfailure' },
    // The sender's domain (not our IP) is listed: the sender was refused, as Microsoft's S8002.
    { match: /mail ?from domain is listed/i, reason: 'rejected' },
    // Domain (not IP) block lists.
    {
      match: /dbl\.spamhaus|listed (?:in|on) (?:the )?Spamhaus DBL|domain .{0,60}Spamhaus DBL/i,
      reason: 'spamdetected',
    },
    // IP block lists.
    {
      match:
        /spamhaus|barracuda|spamcop|ipcheck\.proofpoint\.com|dnsbl-lookup\.cgi|sorbs\.net|uceprotect|psbl\.surriel|mailspike|dnsbl|\bRBL\b/i,
      reason: 'blocked',
    },
    {
      match:
        /blocked using |Blocked - see https?:|listed (?:in|on|at) (?:the |a )?(?:RBL|DNSBL|black ?list|block ?list)/i,
      reason: 'blocked',
    },
  ],
  listedIp: [
    re(String.raw`client host ${IP_BRACKETED}`),
    re(String.raw`[?&]ip=${IP_BARE}`),
    re(String.raw`spamcop\.net/bl\.shtml\?${IP_BARE}`),
    re(String.raw`/query/ip/${IP_BARE}`),
    re(String.raw`mail from IP ${IP_BARE}`),
  ],
};

// Gmail / Google Workspace (receiver-codes.md §2.1). First line often starts "[<IP> <n>]".
import { receiver } from './receiver.ts';
import { IP_BARE, re, type RuleTable } from './rule.ts';

export const google: RuleTable = {
  name: 'google',
  rules: [
    // A Google Group refused the post (no permission, or the group does not exist): the group's policy.
    {
      domain: /(?:^|\.)googlegroups\.com$/,
      status: /^5\.1\.1$/,
      match: /does not exist|NoSuchUser/i,
      reason: 'userunknown',
    },
    { domain: /(?:^|\.)googlegroups\.com$/, reason: 'rejected' },
    { match: /unusual rate of unsolicited mail|UnsolicitedIPError/i, reason: 'badreputation' },
    { status: /^[45]\.7\.28$/, reason: 'badreputation' },
    { match: /low reputation of the sending IP/i, reason: 'badreputation' },
    { match: /low reputation of the sending domain/i, reason: 'badreputation', category: 'policy' },
    { status: /^[45]\.7\.(?:26|27|30|32)$/, reason: 'authfailure' },
    {
      match: /unauthenticated|DMARC policy|does not pass (?:SPF|DKIM)|not pass authentication/i,
      reason: 'authfailure',
    },
    { match: /PTR record|reverse DNS|IPv6 sending guidelines/i, reason: 'requireptr' },
    { status: /^[45]\.7\.25$/, reason: 'requireptr' },
    { match: /not RFC ?5322 compliant|p=RfcMessageNonCompliant/i, reason: 'notcompliantrfc' },
    {
      match: /likely unsolicited mail|nature of (?:this message|the content|content)|links? in (?:this|the) message/i,
      reason: 'spamdetected',
    },
    { match: /receiving mail (?:too quickly|at a rate)/i, reason: 'ratelimited' },
    { match: /account that you tried to reach is (?:disabled|inactive)|account has been disabled/i, reason: 'suspend' },
    { match: /over (?:its )?(?:storage|quota)|out of storage|inbox is full/i, reason: 'mailboxfull' },
    { match: /does not exist|no such user/i, reason: 'userunknown' },
  ],
  listedIp: [re(String.raw`\[\s*${IP_BARE}\s+\d+\s*\]`), re(String.raw`IP(?:v6)? address ${IP_BARE}\b`)],
};

export const googleReceiver = receiver({
  table: google,
  brands: [
    {
      provider: 'google',
      hosts: String.raw`google\.com|googlemail\.com|gmail\.com|googlegroups\.com|1e100\.net`,
      texts: /\bgsmtp\b|\bgcdp\b|support\.google\.com/i,
      refuses: /\bgsmtp\b/,
      colour: '#2f6fdf',
    },
  ],
});

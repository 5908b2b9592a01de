// Microsoft: Outlook.com consumer (hotmail/outlook/live/msn) and Exchange Online Protection.
// Rows follow docs/receiver-codes.md §1; most specific first. ms_code: see docs/classification.md.
import { receiver } from './receiver.ts';
import { IP_BARE, IP_BRACKETED, re, type Rule, type RuleTable } from './rule.ts';

const LEGACY = /\b((?:SC|DY|OU|RP)-00\d)\b/i;

/**
 * An S-code Microsoft's sender support asks for, printed in parentheses: "(S3150)", "(S775)", "(S2017062302)";
 * the 2017-18 print "(AS3150)"/"(AS3140)" is the same code. Read on the text without white space, so a
 * hard-wrapped "(S315\n0)" is found whole.
 */
const S_CODE_COMPACT = /\((?:S|AS(?=31[45]0\)))(\d{3,11})\)/;
/** An anti-spam rule number: "AS(3130)", "(AS16012609)", "(AS761/AS843)" (not the AS3150/AS3140 print). */
const AS_RULE_COMPACT = /AS\((\d{3,12})\)|(?<=[(/])AS(\d{3,12})(?=[)/])/g;

/** The S-code printed in a Microsoft text without white space (compactText), normalised ("S3150"); '' when none. */
export function microsoftSCodeCompact(compact: string): string {
  const m = S_CODE_COMPACT.exec(compact);
  return m ? `S${m[1]}` : '';
}

/** The anti-spam rule number in a text without white space (compactText), "AS3130"; '' when none. AS3150/AS3140 are
 *  S-codes. */
export function microsoftAsRuleCompact(compact: string): string {
  for (const m of compact.matchAll(AS_RULE_COMPACT)) {
    const n = m[1] ?? m[2];
    if (!/^31[45]0$/.test(n)) return `AS${n}`;
  }
  return '';
}

const rules: Rule[] = [
  // Legacy Outlook.com codes (postmaster.live.com table); old texts print a bare IP.
  { match: /\bSC-00[1-4]\b/i, reason: 'blocked', msCode: LEGACY },
  { match: /\bDY-00[12]\b/i, reason: 'blocked', msCode: LEGACY },
  { match: /\bOU-001\b/i, reason: 'blocked', msCode: LEGACY },
  { match: /\bOU-002\b/i, reason: 'badreputation', msCode: LEGACY },
  { match: /\bRP-00[12]\b/i, reason: 'ratelimited', msCode: LEGACY },
  { match: /\bRP-003\b/i, reason: 'toomanyconn', msCode: LEGACY },

  // Outlook.com block list: S3150 / S3140 (printed AS3150 / AS3140 in 2017-18).
  { match: /\bA?S31[45]0\b/, reason: 'blocked' },
  { match: /part of their network is on our block ?list/i, reason: 'blocked' },

  // 4.7.650-652: "The mail server [IP] has been temporarily rate limited due to IP reputation" / connections.
  { status: /^4\.7\.65[01]$/, reason: 'badreputation', msCode: 'status' },
  { status: /^4\.7\.652$/, reason: 'toomanyconn', msCode: 'status' },
  { match: /rate limited due to IP reputation/i, reason: 'badreputation', msCode: /\b(4\.7\.65\d)\b/ },
  { match: /exceeded the maximum number of connections/i, reason: 'toomanyconn', msCode: /\b(4\.7\.65\d)\b/ },
  // 4.7.500-699 (ASxxx): IP throttling after a change in volume ("Server busy. Please try again later from [IP]").
  { status: /^4\.7\.[56]\d\d$/, reason: 'ratelimited', msCode: 'status' },
  { match: /server busy\. please try again later from/i, reason: 'ratelimited', msCode: /\b(4\.7\.[56]\d\d)\b/ },
  // 4.7.850-899: suspicious activity on the IP, restricted while evaluated.
  { status: /^4\.7\.8[5-9]\d$/, reason: 'badreputation', msCode: 'status' },

  // Exchange Online Protection block lists.
  { status: /^5\.7\.6(?:0[6-9]|[1-4]\d)$/, reason: 'blocked', msCode: 'status' },
  { match: /banned sending IP/i, reason: 'blocked', msCode: /\b(5\.7\.6\d\d)\b/ },
  { status: /^5\.7\.51[13]$/, reason: 'blocked', msCode: 'status' },
  { match: /banned sender\s*\[/i, reason: 'blocked', msCode: /\b(5\.7\.511)\b/ },
  { match: /using Customer Block list/i, reason: 'blocked', msCode: /\b(5\.7\.513)\b/ },
  { status: /^5\.7\.507$/, reason: 'blocked', msCode: 'status' },
  { status: /^5\.7\.508$/, reason: 'ratelimited', msCode: 'status' },
  { match: /has exceeded permitted limits within/i, reason: 'ratelimited', msCode: /\b(5\.7\.508)\b/ },
  { match: /blocked using Blocklist 1|mail from IP banned/i, reason: 'blocked', msCode: 'Blocklist1' },
  {
    match: /MailFrom domain is listed in Spamhaus|\bS8002\b/i,
    reason: 'rejected',
    category: 'policy',
    msCode: 'S8002',
  },
  { match: /blocked using Spamhaus/i, reason: 'blocked' },

  // Authentication.
  { status: /^5\.7\.(?:509|515)$/, reason: 'authfailure', msCode: 'status' },
  { status: /^4\.7\.26$/, reason: 'authfailure', msCode: 'status' },
  { match: /does not meet the required authentication level/i, reason: 'authfailure', msCode: /\b(5\.7\.515)\b/ },
  { match: /does not pass DMARC verification/i, reason: 'authfailure', msCode: /\b(5\.7\.509)\b/ },

  // Policy: IPv6 rules, sending accounts and tenants (Microsoft 365 as sender), relaying.
  { status: /^5\.7\.25$/, reason: 'requireptr', msCode: 'status' },
  { status: /^5\.7\.510$/, reason: 'notaccept', category: 'policy', msCode: 'status' },
  { status: /^5\.7\.50[1-3]$/, reason: 'policyviolation', msCode: 'status' },
  { status: /^5\.1\.8$/, match: /bad outbound sender/i, reason: 'rejected', msCode: 'status' },
  { status: /^5\.7\.70[5-9]$/, match: /traffic not accepted from this IP/i, reason: 'badreputation', msCode: 'status' },
  { status: /^5\.7\.70\d$/, reason: 'policyviolation', msCode: 'status' },
  { status: /^5\.7\.750$/, reason: 'policyviolation', msCode: 'status' },
  { status: /^5\.7\.(?:12\d?|13[3-6])$/, reason: 'rejected', msCode: 'status' },

  // Recipient problems and per-recipient limits.
  { match: /\bS2017062302\b/, reason: 'userunknown', msCode: 'S2017062302' },
  // 5.4.1 is a generic code: its AS(201806281) rule number names the refusal better when printed
  {
    status: /^5\.4\.1$/,
    match: /Recipient address rejected: Access denied/i,
    reason: 'userunknown',
    msCode: 'generic-status',
  },
  { status: /^5\.1\.10$/, reason: 'userunknown', msCode: 'status' },
  { match: /RESOLVER\.ADR\.RecipientNotFound/i, reason: 'userunknown', msCode: /\b(5\.1\.10)\b/ },
  { status: /^5\.2\.12[12]$/, reason: 'ratelimited', msCode: 'status' },
];

export const microsoft: RuleTable = {
  name: 'microsoft',
  rules,
  listedIp: [
    re(String.raw`messages from ${IP_BRACKETED}`),
    re(String.raw`messages from ${IP_BARE}`),
    re(String.raw`the mail server ${IP_BRACKETED}`),
    re(String.raw`later from ${IP_BRACKETED}`),
    re(String.raw`banned sending IP ${IP_BRACKETED}`),
    re(String.raw`banned sender\s*${IP_BRACKETED}`),
    re(String.raw`client host ${IP_BRACKETED}`),
    re(String.raw`access denied, ${IP_BRACKETED} has exceeded`),
    re(String.raw`IPv6 address ${IP_BRACKETED}`),
    re(String.raw`over IPv6 ${IP_BRACKETED}`),
  ],
};

export const microsoftReceiver = receiver({
  table: microsoft,
  brands: [
    {
      provider: 'microsoft',
      hosts: String.raw`protection\.outlook\.com|outlook.*|hotmail.*|live.*|msn\.com|passport\.com|messaging\.microsoft\.com|windowslive\.com`,
      texts:
        /protection\.outlook\.com|postmaster\.live\.com|mail\.live\.com|sender\.office\.com|messaging\.microsoft\.com|\bA?S31[45]0\b|go\.microsoft\.com/i,
      // Microsoft 365 refuses for itself (5.7.708 from its own low-reputation pool) inside NDRs to recipients anywhere
      refuses:
        /\.(?:prod|protection)\.outlook\.com\b|(?<![\d.])(?:5\.7\.(?:5[01]\d|6[0-4]\d|7[0-5]\d)|4\.7\.[5-8]\d\d)(?![\d.])|\(A?S\d{3,11}\)|\bAS\(\d{3,12}\)/,
      colour: '#d64545',
    },
  ],
});

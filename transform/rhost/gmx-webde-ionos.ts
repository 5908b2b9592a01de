// United Internet (GMX, WEB.DE, mail.com, IONOS/1&1) "Nemesis" texts (receiver-codes.md §2.3):
// no enhanced status codes; the IP sits in the postmaster URL (v= or ip=) or after IP=.
import { receiver } from './receiver.ts';
import { IP_BARE, re, type RuleTable } from './rule.ts';

export const unitedInternet: RuleTable = {
  name: 'gmx-webde-ionos',
  rules: [
    { match: /(?:block|black) ?listed|[?&]c=(?:bip|bl|r0201)\b/i, reason: 'blocked' },
    { match: /(?:bad|invalid) DNS PTR|[?&]c=rdns\b/i, reason: 'requireptr' },
    { match: /policy restrictions? \(?IP[- ]based/i, reason: 'badreputation' },
    { match: /SPF policy|originating IP not permitted/i, reason: 'authfailure' },
    { match: /policy restrictions? \(?(?:domain|header)[- ]based|[?&]c=hi\b/i, reason: 'policyviolation' },
    { match: /too many (?:messages|mails) (?:received )?in a short time/i, reason: 'ratelimited' },
    { match: /exceeded storage allocation|quota exceeded|mailbox (?:is )?full/i, reason: 'mailboxfull' },
    { match: /mailbox unavailable|user unknown|unknown user|no such user/i, reason: 'userunknown' },
    { match: /administrative reasons|overload/i, reason: 'systemerror' },
  ],
  listedIp: [re(String.raw`[?&](?:v|ip)=${IP_BARE}`), re(String.raw`\bIP=${IP_BARE}`)],
};

export const unitedInternetReceiver = receiver({
  table: unitedInternet,
  brands: [
    { provider: 'webde', hosts: String.raw`web\.de`, texts: /postmaster\.web\.de|\bweb\.de \(/i, colour: '#c99a06' },
    {
      provider: 'ionos',
      hosts: String.raw`ionos.*|kundenserver\.de|perfora\.net|1und1.*|1and1.*|online\.de|onlinehome\.de|schlund\.de`,
      texts: /\bionos\b|kundenserver\.de|perfora\.net|1und1\.de/i,
      colour: '#3b5bdb',
    },
    {
      provider: 'gmx',
      hosts: String.raw`gmx.*|mail\.com`,
      texts: /postmaster\.gmx\.|\bgmx(?:\.net)? \(/i,
      colour: '#1b7f8c',
    },
  ],
});

// Receiver-independent texts and enhanced status codes → Sisimai's reasons. First matching row wins:
// a few decisive status codes, then texts, then the status-code map, then class fallbacks.
// Order and the few quirks kept from Sisimai are explained in docs/classification.md.
import type { Reason } from '../vocabulary.ts';
import type { Rule, RuleTable } from './rule.ts';

const USER_UNKNOWN =
  /user ?unknown|unknown (?:user|recipient|local part|address|mailbox)|no such (?:user|mailbox|recipient|person|address|local user)|(?:user|mailbox|recipient|address|account) (?:\S+ )?(?:does not|doesn'?t|not) exist|(?:does not|doesn'?t) exist(?: here| on this system|\.)|not (?:a )?(?:valid|known) (?:user|recipient|mailbox)|invalid (?:recipient|mailbox|address|user|final delivery userid)|bad (?:destination )?(?:mailbox|recipient) address|recipient (?:not found|unknown|rejected)|mailbox (?:unavailable|not found|not present|invalid|is unavailable|is inactive)|user not found|no mailbox here|recipient address(?:es)? rejected(?:\s?: access denied|\.\s*$)|not listed in|please check if (?:the )?(?:e-?mail )?address is correct|is not a (?:known|valid) user|#5\.1\.1|account (?:is )?unavailable|no (?:valid )?recipients|address couldn'?t be found|recipient not found|doesn'?t have an? [\w.-]+ account|ディレクトリ(?:には見つかりません|のリストにありません)/i;

/** "553 neko.example.com does not exist": a domain (not an address's domain part) named as missing. */
const DOMAIN_MISSING = /(?<![@\w.-])(?:[a-z0-9-]+\.)+[a-z]{2,} does not exist/i;

const TOO_LARGE =
  /message (?:size )?(?:too big|too large for this|file too big|size exceeds (?:fixed |maximum)|length exceeds administrative limit)|max(?:imum)? message size exceeded|exceeded maximum inbound message size|message is too big|size limit|line limit exceeded/i;

const texts: Array<[Reason, RegExp]> = [
  // Sisimai 5: STARTTLS refused or required and not done (its own phrases; the command and 523/524/538 below)
  ['failedstarttls', /starttls is required to send mail|tls required but not supported/i],
  // Sisimai 5: the message is not RFC 5322 compliant (Gmail's words and help link)
  ['notcompliantrfc', /not rfc ?5322 compliant|p=rfcmessagenoncompliant/i],
  ['hostunknown', /the account or domain may not exist/i],
  [
    'mailboxfull',
    /mailbox (?:is )?full|full mailbox|mail ?box (?:size )?(?:limit )?exceeded|over (?:the )?(?:disk |storage )?quota|quota (?:exceeded|violation|usage exceeded)|exceed(?:ed|s|ing)? (?:its |their |the )?(?:mailbox |disk |storage )?quota|exceeded storage allocation|not enough (?:storage )?space|disk (?:quota|space limit)|mailfolder is full|maildir over quota|reached disk quota|would exceed (?:maximum )?allowed storage|has too many messages on the server|user(?:'s)? space has been used up|user is over|recipient (?:mailbox )?is full|mailbox exceeds allowed size/i,
  ],
  ['emailtoolarge', TOO_LARGE],
  ['exceedlimit', /message too large|header size exceeds limit/i],
  [
    'suspend',
    /(?:is|has been|currently) suspended|user suspended|suspend(?:ed)? the service|mailbox (?:is )?(?:frozen|disabled)|(?:account|address) (?:is |has been )?(?:disabled|deactivated|inactive)|temporar(?:y|ily) (?:locked|inactive)|account is locked|deactivated mailbox|invalid\/inactive user|this account has been disabled|recipient account is blocked/i,
  ],
  [
    'norelaying',
    /relay(?:ing)? (?:access )?(?:denied|not permitted|not allowed|prohibited)|\bno relaying\b|unable to relay|not (?:permitted|allowed) to relay|as a relay|not an open relay|not a gateway|we don'?t handle mail for|not in my list of allowed rcpthosts|insecure mail relay|relaying mail to |not configured to relay/i,
  ],
  [
    'rejected',
    /sender (?:address )?rejected|domain of sender address|unroutable sender|sender verify failed|sending to\/from an address that has been blacklisted|sender is spammer|invalid sender|email address is not verified|mailfrom domain is listed|empty envelope senders|null sender is not allowed|bogus mail from/i,
  ],
];

const blocking: Array<[Reason, RegExp]> = [
  // a URI block list (URIBL, SURBL) lists a link in the message: the content is refused, not our IP
  ['spamdetected', /blacklisted (?:url|link|domain)s? in (?:the )?message|\buribl\b|\bsurbl\b|listed url/i],
  [
    'requireptr',
    /reverse dns|no ptr record|ptr record|invalid rdns|cannot find your (?:host ?name|reverse)|ip name lookup failed|client host rejected: cannot find/i,
  ],
  // RFC 7372's causes in words: the receiver says our SPF, DKIM or DMARC result was why
  [
    'authfailure',
    /not allowed to send .{0,60}\bspf\b|per its?'?s? spf record|\bspf\b (?:check |validation )?fail|dmarc (?:check |policy |verification )?fail|fails? to pass (?:authentication|spf|dkim|dmarc)|does not have authentication information|sender is unauthenticated/i,
  ],
  ['badreputation', /poor reputation|bad reputation|low reputation|ip reputation|reputation (?:problem|issue)/i],
  [
    'blocked',
    /blocked using|(?:black|block) ?list(?:ed)?\b|listed (?:in|on|at) [a-z0-9.-]*(?:rbl|dnsbl|spamhaus)|dnsbl|\brbl\b|refused to talk to me: \d+ blocked|client host .{0,80}(?:blocked|rejected)|access from ip address .{0,50} blocked|hosts with dynamic ip|dynamic ip|(?:dial-?up|residential) (?:ip|address)|your ip (?:address )?(?:is |has been )?(?:blocked|listed|banned)|not currently accepting mail from your ip|helo command rejected|go away|use the smtp server of your isp|purported responsible address|bad spf records|mismatches client ip|not accepting connections|invalid ip for sending mail|my name was rejected/i,
  ],
];

const afterUsers: Array<[Reason, RegExp]> = [
  ['notaccept', /doesn'?t receive e?mail according to|does not accept mail|null ?mx|no mx record|no smtp service/i],
  [
    'filtered',
    /restricted by the recipient|user reject|refused due to recipient preferences|only accepting mail from specific|message rejected due to user rules|is not accepting any mail|you have been blocked by the recipient|resolver\.rst\.notauthorized/i,
  ],
  [
    'networkerror',
    /dns error|no mx found|host not found, try again|wasn'?t able to establish an smtp connection|network error on destination|dns query failed|hop count exceeded|exceeded (?:the )?maximum hop count|too many hops|routing loop|mail forwarding loop/i,
  ],
  ['hostunknown', DOMAIN_MISSING],
  [
    'hostunknown',
    /host (?:or domain name )?(?:not found|unknown)|unknown host|domain (?:does not exist|not found|must exist|is not reachable)|no such domain|unrouteable (?:mail domain|address)|unroutable address|name or service not known|dns records for the destination computer could not be found|mail domain mentioned in email address is unknown/i,
  ],
  [
    'spamdetected',
    /\bspam\b|message content rejected|\bUBE\b|unsolicited|bulk (?:e-?mail|mail)|content filter|junk mail|spam-like|spamassassin|probable spam|high probability/i,
  ],
  ['mailererror', /procmail|maildrop|pipe to \|/i],
  [
    'toomanyconn',
    /too many (?:connections|concurrent|smtp sessions|errors|recipients|messages)|connection (?:rate )?limit|rate limit|maximum connection|max(?:imum)? emails per hour|throttl|sending rate exceeded|frequency limited/i,
  ],
];

/** Texts Sisimai reads only when the status code did not decide. */
const lateTexts: Array<[Reason, RegExp]> = [
  ['virusdetected', /virus|malware|infected|potentially executable attachment/i],
  [
    'policyviolation',
    /polic(?:y|ies)|dmarc|prohibited attachment|illegal attachment|closed mailing list|members-only|header error|multiple addresses in from|content presents a potential|protocol violation|host network not allowed/i,
  ],
  [
    'securityerror',
    /authentication (?:required|failed|failure|credentials invalid)|unauthenticated|tls required|must (?:use )?tls|encryption required|\bspf\b|\bdkim\b|turn on smtp authentication/i,
  ],
  [
    'expired',
    /delivery time expired|message expired|queue (?:lifetime|period)|giving up|retry time not reached|could not be delivered for more than|delivery failed \d+ attempts|has been delayed|delivery attempts will continue|unable to deliver (?:this )?message after|was not reachable within|server did not respond|connection timed out|retry timeout exceeded|failing for a long time|will be retried for|did not accept our requests to connect|envelope expired/i,
  ],
  // "does not support TLS": our side insisted on TLS the receiver lacks (Sisimai 4's systemerror, 5's failedstarttls)
  [
    'systemerror',
    /loops back to myself|would create a mail loop|system config(?:uration)? error|server configuration error|local (?:configuration )?error|temporary local problem|internal (?:server )?error|service (?:currently )?unavailable|transaction failed|timeout waiting for input|could not load drd|queue file write error|unable to contact ldap|does not support (?:tls|starttls)/i,
  ],
  [
    'networkerror',
    /no route to host|host (?:is )?unreachable|network is unreachable|name server|malformed .{0,20}reply|host name lookup failure|could not connect|connection (?:refused|reset|dropped)/i,
  ],
  ['contenterror', /8-bit data|mime (?:headers|complexity)|header size|base64 encoding|binary content/i],
  ['systemfull', /mail system full|system (?:storage|disk) full|insufficient (?:disk|system) (?:space|storage)/i],
  ['mailererror', /command (?:failed|died)|mailer error|x-unix;/i],
];

/** Enhanced status code → reason (RFC 3463 meanings, Sisimai's reading). A decisive code ends the search. */
const decisiveStatus: Array<[Reason, RegExp]> = [
  ['suspend', /^4\.2\.1$|^5\.7\.13$/],
  ['filtered', /^5\.2\.[014]$|^[45]\.1\.4$|^4\.2\.4$/],
  ['notaccept', /^[45]\.3\.2$|^5\.1\.10$|^5\.7\.27$/],
  ['systemfull', /^[45]\.3\.1$|^4\.4\.5$/],
  ['blocked', /^4\.7\.[12]$/],
  // RFC 7372: 5.7.20-24 and 26 are failed DKIM/SPF/DMARC checks, 5.7.25 a failed reverse DNS check
  ['authfailure', /^[45]\.7\.2[0-46]$/],
  ['requireptr', /^[45]\.7\.25$/],
  ['toomanyconn', /^[45]\.5\.3$/],
  ['contenterror', /^[45]\.6\.\d+$/],
];

/** Codes too vague to beat a text: read after the texts. */
const weakStatus: Array<[Reason, RegExp]> = [
  ['userunknown', /^5\.1\.[0136]$|^4\.1\.6$|^5\.7\.1[78]$/],
  ['hostunknown', /^5\.1\.2$|^5\.4\.4$/],
  ['networkerror', /^[45]\.4\.[0246]$/],
  ['expired', /^4\.4\.[17]$/],
  ['systemerror', /^5\.3\.0$|^[45]\.3\.[345]$|^[45]\.1\.9$|^[45]\.5\.[45]$|^5\.4\.3$/],
  ['securityerror', /^[45]\.7\.\d+$|^5\.5\.6$/],
];

const row = ([reason, match]: [Reason, RegExp]): Rule => ({ reason, match });
const byStatus = ([reason, status]: [Reason, RegExp]): Rule => ({ reason, status });

const rules: Rule[] = [
  // Status codes that decide before any text (Sisimai checks these classes first).
  // Sisimai 5's FailedSTARTTLS: refused at STARTTLS, or 523/524/538 (RFC 3207 / RFC 4954 encryption replies)
  { reason: 'failedstarttls', command: /^STARTTLS$/ },
  { reason: 'failedstarttls', reply: /^5(?:2[34]|38)$/ },
  { reason: 'mailboxfull', status: /^[45]\.2\.2$/ },
  // 5.2.3 is "message length exceeds administrative limit" (exceedlimit); "message too large" says the size is
  // over the receiver's maximum for any message (emailtoolarge)
  { reason: 'emailtoolarge', status: /^[45]\.2\.3$/, match: /message (?:is )?too (?:large|big)/i },
  { reason: 'exceedlimit', status: /^[45]\.2\.3$/ },
  { reason: 'emailtoolarge', status: /^5\.3\.4$|^[45]\.7\.16$/ },
  ...texts.map(row),
  { reason: 'rejected', status: /^[45]\.1\.[78]$/ },
  ...blocking.map(row),
  // "User unknown" after DATA: Sisimai calls it filtered (a per-recipient filter), and so do we. Sisimai
  // also says filtered when it cannot tell the command; we then trust the text. Both are recipient_unknown.
  // 5.1.6 "mailbox has moved, no forwarding address" (RFC 3463): the person left, the address is dead.
  // "... does not exist" in reply to MAIL FROM is about our sender address or domain, not the recipient
  { reason: 'rejected', match: USER_UNKNOWN, command: /^MAIL$/ },
  { reason: 'rejected', match: DOMAIN_MISSING, command: /^MAIL$/ },
  { reason: 'hasmoved', status: /^5\.1\.6$/ },
  { reason: 'hasmoved', match: /\bhas been replaced by\b/i },
  { reason: 'userunknown', match: USER_UNKNOWN, status: /^5\.1\.\d+$/ },
  { reason: 'userunknown', match: USER_UNKNOWN, command: /^RCPT$/ },
  // "User unknown" with an x.2.0/x.2.1/x.2.4 code not in reply to RCPT: the code says the mailbox exists but
  // refuses (disabled, or a per-recipient filter after DATA), which is Sisimai's filtered.
  { reason: 'filtered', match: USER_UNKNOWN, status: /^[45]\.2\.[014]$/, command: /^(?:DATA|)$/ },
  { reason: 'filtered', match: USER_UNKNOWN, command: /^DATA$/ },
  { reason: 'userunknown', match: USER_UNKNOWN },
  ...afterUsers.map(row),
  ...decisiveStatus.map(byStatus),
  ...lateTexts.map(row),
  // qmail appends "this message has been in the queue too long" to the last error: a cause named above wins
  { reason: 'expired', match: /in the queue too long/i },
  // a bare refusal of MAIL FROM ("550 5.7.1 Access denied"): the sender was refused
  { reason: 'rejected', command: /^MAIL$/, match: /access denied|administrative prohibition|address rejected/i },
  // an x.1.x address status in reply to MAIL FROM is about our sender address
  { reason: 'rejected', command: /^MAIL$/, status: /^[45]\.1\.\d+$/ },
  ...weakStatus.map(byStatus),
  // 500-507: the receiver did not understand us.
  { reason: 'syntaxerror', reply: /^[45]0[0-7]$/ },
  // Refused before any envelope command: the client (our IP) was refused.
  { reason: 'blocked', command: /^(?:CONN|EHLO|HELO)$/ },
];

export const generic: RuleTable = { name: 'generic', rules, listedIp: [] };

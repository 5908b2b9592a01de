// DsnRecipient + DsnFields → Verdict: provider from the host/domain table, then the first matching row of
// the provider's table, the block-list table, the MTA parser's hint, and the generic table, in that order.
import type { DsnFields, DsnRecipient, Verdict } from './dsn-fields.ts';
import { domainOf } from './addresses.ts';
import { generic, listedIpFor, providerOf, tablesFor, wrappedIpPatternsFor } from './rhost/index.ts';
import { compactText, findRule, listedIpOf, msCodeOf, type Rule, type RuleTable, type Subject } from './rhost/rule.ts';
import { microsoftAsRuleCompact, microsoftSCodeCompact } from './rhost/microsoft.ts';
import { CATEGORY_OF_REASON, REASONS, type Category, type Provider, type Reason } from './vocabulary.ts';

const ENHANCED = /(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])/;
const REPLY = /^\s*(?:[^\s:;]+;\s*)?([245]\d\d)(?=[\s-]|$)/;
/** Hints a text or code should be allowed to overrule (Sisimai's "retry" set). */
const WEAK_HINTS = new Set<string>([
  'undefined',
  'onhold',
  'systemerror',
  'securityerror',
  'networkerror',
  'hostunknown',
  'userunknown',
]);
const KNOWN_REASONS = new Set<string>(REASONS);
/** Rule readings a same-category hint does not replace. */
const PRECISE = new Set<string>([
  'mailboxfull',
  'exceedlimit',
  'emailtoolarge',
  'suspend',
  'hasmoved',
  'norelaying',
  'requireptr',
  'badreputation',
  'authfailure',
  'ratelimited',
]);

/** Multi-line replies unfolded into one line repeat "550-5.7.1 " inside sentences; drop the repeats. */
const CONTINUATION = new Map<string, RegExp>();
function joinContinuations(text: string): string {
  const lead = /^\s*([245]\d\d)[ -]/.exec(text)?.[1];
  if (!lead || text.indexOf(lead, 4) < 0) return text;
  let pattern = CONTINUATION.get(lead);
  if (!pattern) {
    pattern = new RegExp(String.raw`(\S\s+)${lead}[ -](?:[245]\.\d{1,3}\.\d{1,3}\s)?`, 'g');
    CONTINUATION.set(lead, pattern);
  }
  return text.replace(pattern, '$1');
}

export function subjectOf(rcpt: DsnRecipient): Subject {
  const text = joinContinuations(rcpt.diagnostic);
  let status = rcpt.status.trim();
  if (status === '' || /^\d\.0\.0$/.test(status)) {
    const inText = ENHANCED.exec(text.slice(0, 200));
    if (inText?.[1] && !inText[1].endsWith('.0.0')) status = inText[1];
  }
  const reply = rcpt.replyCode > 0 ? String(rcpt.replyCode) : (REPLY.exec(text)?.[1] ?? '');
  return {
    text,
    status,
    reply,
    command: rcpt.command.toUpperCase(),
    action: rcpt.action.toLowerCase(),
    domain: domainOf(rcpt.recipient),
  };
}

/** Verdicts about our IP: when the text names none, it may be there, hard-wrapped ("[198.51.\n100.7]"). */
const ABOUT_OUR_IP = new Set<Category>(['ip_blocklist', 'ip_reputation', 'rate_limit']);

export function classify(rcpt: DsnRecipient, fields: DsnFields): Verdict {
  void fields; // reporting-MTA knowledge lives in the lhost parsers, which set reasonHint
  const s = subjectOf(rcpt);
  const verdict = classifySubject(rcpt, s);
  if (verdict.listedIp === null && ABOUT_OUR_IP.has(verdict.category)) {
    verdict.listedIp = listedIpOf(wrappedIpPatternsFor(verdict.provider), compactText(s.text));
  }
  return verdict;
}

/** What every precedence step may read about one recipient. */
class Ground {
  /** the generic table's first matching row (undefined: none), looked up on first use. */
  private genericMatch: Rule | undefined | null = null;

  constructor(
    readonly s: Subject,
    readonly provider: Provider,
    readonly listedIp: string | null,
    /** the MTA parser's reason, '' when none or not in our vocabulary. */
    readonly hint: Reason | '',
    readonly hintWeak: boolean,
    readonly tables: readonly RuleTable[],
  ) {}

  genericRule(): Rule | undefined {
    if (this.genericMatch === null) this.genericMatch = findRule(generic, this.s);
    return this.genericMatch;
  }
}

/** One rung of the reason precedence: a verdict, or undefined to let the next rung decide. */
type Step = (g: Ground) => Verdict | undefined;

/** Reason precedence, first verdict wins; the names say why (docs/classification.md, "Order of decision"). */
const PRECEDENCE: ReadonlyArray<[string, Step]> = [
  [
    'receiver tables (own, Orange/La Poste, block lists)',
    (g) => {
      for (const table of g.tables) {
        if (table === generic) break;
        const rule = findRule(table, g.s);
        if (rule) return verdictOf(rule, g);
      }
      return undefined;
    },
  ],
  [
    'a strong hint from the MTA parser',
    (g) => (g.hint && !WEAK_HINTS.has(g.hint) && !g.hintWeak ? plain(g.hint, g) : undefined),
  ],
  // A delay notice with no words but a vague code (4.4.0 "other network or routing status"): the message is
  // still queued, which Sisimai's vocabulary calls expired; the code alone names no cause
  [
    'a wordless delay with a vague code',
    (g) =>
      g.s.action === 'delayed' && !g.s.text.trim() && !/^4\.(?:2\.2|4\.[17])$/.test(g.s.status)
        ? plain('expired', g)
        : undefined,
  ],
  // The sending MTA's own category (e.g. PowerMTA's bad-mailbox) names the reason when the texts agree on the
  // category: "550 5.2.1 User Unknown" is filtered by its code, but the MTA that held the session says the
  // mailbox does not exist. Precise readings (full, too large, suspended, moved, relaying, our Sisimai 5
  // refinements) are never overruled: Sisimai checks those before a preset reason too.
  [
    'a weak hint the generic row agrees with in category',
    (g) => {
      const rule = g.genericRule();
      if (!rule || !g.hint || g.hint === rule.reason || PRECISE.has(rule.reason)) return undefined;
      return CATEGORY_OF_REASON[g.hint] === (rule.category ?? CATEGORY_OF_REASON[rule.reason])
        ? plain(g.hint, g)
        : undefined;
    },
  ],
  [
    'the generic table',
    (g) => {
      const rule = g.genericRule();
      return rule ? verdictOf(rule, g) : undefined;
    },
  ],
  // a hint names a cause (a failed local mailer); "delayed" only says the MTA will retry
  [
    'a weak hint that names a cause',
    (g) => (g.hint && g.hint !== 'onhold' && g.hint !== 'undefined' ? plain(g.hint, g) : undefined),
  ],
  ['a delay nothing explains', (g) => (g.s.action === 'delayed' ? plain('expired', g) : undefined)],
];

function classifySubject(rcpt: DsnRecipient, s: Subject): Verdict {
  const provider = providerOf(s.domain, rcpt.remoteMta, s.text);
  const hint = rcpt.reasonHint ?? '';
  const ground = new Ground(
    s,
    provider,
    listedIpFor(provider, s.text),
    KNOWN_REASONS.has(hint) ? (hint as Reason) : '',
    rcpt.reasonHintWeak === true,
    tablesFor(provider),
  );
  for (const [, step] of PRECEDENCE) {
    const verdict = step(ground);
    if (verdict) return verdict;
  }
  return plain(s.text.trim() ? 'onhold' : 'undefined', ground); // nothing matched
}

function verdictOf(rule: Rule, { s, provider, listedIp }: Ground): Verdict {
  const own = rule.listedIp ? listedIpOf([rule.listedIp], s.text) : null;
  return {
    reason: rule.reason,
    category: rule.category ?? CATEGORY_OF_REASON[rule.reason],
    provider,
    ...microsoftCodes(provider, msCodeOf(rule, s), s.text, rule.msCode === 'generic-status'),
    listedIp: own ?? listedIp,
  };
}

function plain(reason: Reason, { s, provider, listedIp }: Ground): Verdict {
  return { reason, category: CATEGORY_OF_REASON[reason], provider, ...microsoftCodes(provider, '', s.text), listedIp };
}

/**
 * ms_code is the most specific code Microsoft printed: an S-code in the text, else the rule's (a
 * Microsoft-specific enhanced status, a legacy SC-/OU-/RP- code ...), else the anti-spam rule number that came
 * with a generic status. A rule number that is not the ms_code is kept as ms_rule (delisting tickets quote it).
 */
function microsoftCodes(
  provider: Verdict['provider'],
  fromRule: string,
  text: string,
  ruleIsGeneric = false,
): Pick<Verdict, 'msCode' | 'msRule'> {
  if (provider !== 'microsoft') return { msCode: fromRule, msRule: '' };
  const compact = compactText(text);
  const asRule = microsoftAsRuleCompact(compact);
  const msCode = microsoftSCodeCompact(compact) || (ruleIsGeneric ? '' : fromRule) || asRule || fromRule;
  return { msCode, msRule: asRule !== msCode ? asRule : '' };
}

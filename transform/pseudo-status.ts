// The status of an event whose bounce carries no enhanced status code: Sisimai's pseudo code for the reason.
//
// Many MTAs (qmail, Exim's plain-text reports, old Sendmail, carriers' gateways) write a reply code or only
// words, no RFC 3463 code. Sisimai, the reference bounce library, then reports `5.0.9xx` / `4.0.9xx`, a
// detail number per reason (documented with its `deliverystatus`); we follow that convention, so our status
// column means the same as Sisimai's and is never empty. No MTA writes x.0.9xx (RFC 3463 defines only x.0.0
// in that subject), so a pseudo code cannot be mistaken for a receiver's own: `isPseudoStatus` tells them
// apart, and `reply_code` still shows what the server answered.
import type { Reason } from './vocabulary.ts';

/**
 * Detail number per reason, as Sisimai 5 numbers them. Our Sisimai-5.2 refinements that Sisimai has no
 * number for take the number of the reason they refine (requireptr ← blocked, ratelimited ← speeding,
 * emailtoolarge ← mesgtoobig, notcompliantrfc ← contenterror, failedstarttls ← securityerror). Never-stored reasons
 * map to undefined's 900.
 */
const DETAIL: Record<Reason, number> = {
  undefined: 900,
  onhold: 901,
  syntaxerror: 902,
  norelaying: 909,
  filtered: 910,
  userunknown: 911,
  hostunknown: 912,
  hasmoved: 916,
  rejected: 918,
  suspend: 921,
  mailboxfull: 922,
  exceedlimit: 923,
  systemerror: 930,
  systemfull: 931,
  notaccept: 932,
  emailtoolarge: 934,
  networkerror: 944,
  toomanyconn: 945,
  speeding: 946,
  ratelimited: 946,
  expired: 947,
  contenterror: 960,
  notcompliantrfc: 960,
  securityerror: 970,
  failedstarttls: 970,
  blocked: 971,
  virusdetected: 971,
  requireptr: 971,
  authfailure: 972,
  policyviolation: 972,
  badreputation: 975,
  spamdetected: 980,
  mailererror: 939,
  vacation: 900,
  feedback: 900,
  delivered: 900,
};

/**
 * Reasons Sisimai gives a 4.0.9xx code when the failure was temporary; the others keep 5.0.9xx even then
 * (a mailbox that does not exist is no temporary state, whatever the reply code said).
 */
const CAN_BE_TEMPORARY = new Set<Reason>([
  'undefined',
  'onhold',
  'filtered',
  'rejected',
  'systemerror',
  'systemfull',
  'notaccept',
  'networkerror',
  'toomanyconn',
  'speeding',
  'ratelimited',
  'expired',
  'contenterror',
  'securityerror',
  'blocked',
  'authfailure',
  'badreputation',
  'spamdetected',
  'mailboxfull',
]);
/** Where Sisimai's temporary number is not the permanent one. */
const TEMPORARY_DETAIL: Partial<Record<Reason, number>> = { filtered: 924 };

/** `4.0.947`, `5.0.911` …: the pseudo code for a reason, temporary (4) or permanent (5). */
export function pseudoStatus(reason: Reason, temporary: boolean): string {
  if (temporary && CAN_BE_TEMPORARY.has(reason)) return `4.0.${TEMPORARY_DETAIL[reason] ?? DETAIL[reason]}`;
  return `5.0.${DETAIL[reason]}`;
}

/** True for a pseudo code (x.0.9xx), which no receiver writes. */
export function isPseudoStatus(status: string): boolean {
  return /^[45]\.0\.9\d\d$/.test(status);
}

/** Words in a report that say which kind of failure it was (Sisimai reads the same words). */
const TEMPORARY_WORDS = /temporar|persistent/i;
const PERMANENT_WORDS = /permanent/i;

/**
 * Whether the failure behind an event without enhanced status was temporary: the reply code's class when
 * the server answered; else the report's words ("temporary failure", "permanent error"); else whether the
 * message is still queued (action delayed). A failed message whose retries ran out is permanent, as in
 * Sisimai: the MTA gave up.
 */
export function isTemporaryFailure(replyCode: number, action: string, diagnostic: string): boolean {
  if (replyCode >= 400 && replyCode < 600) return replyCode < 500;
  if (TEMPORARY_WORDS.test(diagnostic)) return true;
  if (PERMANENT_WORDS.test(diagnostic)) return false;
  return action === 'delayed';
}

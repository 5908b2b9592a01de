// Closed vocabularies shared by transform/, queries/ and dashboards/. Values are stored verbatim in ClickHouse.

/** Sisimai's reason vocabulary (the subset a receiver can tell us), plus our `undefined` fallback. */
export const REASONS = [
  'blocked', 'badreputation', 'ratelimited', 'toomanyconn', 'authfailure', 'requireptr', 'spamdetected',
  'policyviolation', 'virusdetected', 'securityerror', 'userunknown', 'hasmoved', 'mailboxfull', 'hostunknown',
  'expired', 'networkerror', 'filtered', 'rejected', 'systemerror', 'systemfull', 'mailererror',
  'suspend', 'exceedlimit', 'notaccept', 'norelaying', 'contenterror', 'syntaxerror', 'notcompliantrfc',
  'emailtoolarge', 'failedstarttls', 'speeding', 'onhold', 'vacation', 'feedback', 'delivered', 'undefined',
] as const;
export type Reason = (typeof REASONS)[number];

/** Coarse categories a postmaster acts on. */
export const CATEGORIES = [
  'ip_blocklist', 'ip_reputation', 'rate_limit', 'auth_failure', 'content_spam', 'policy',
  'recipient_unknown', 'mailbox_full', 'domain_unknown', 'network', 'expired', 'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Receivers we track by name (derived from the receiver registry, transform/rhost/index.ts). */
export { PROVIDERS, type Provider } from './rhost/index.ts';

/** Category a reason falls into when no receiver rule says otherwise. */
export const CATEGORY_OF_REASON: Record<Reason, Category> = {
  blocked: 'ip_blocklist',
  badreputation: 'ip_reputation',
  ratelimited: 'rate_limit',
  toomanyconn: 'rate_limit',
  speeding: 'rate_limit',
  authfailure: 'auth_failure',
  requireptr: 'policy',
  spamdetected: 'content_spam',
  virusdetected: 'content_spam',
  contenterror: 'content_spam',
  policyviolation: 'policy',
  securityerror: 'policy',
  norelaying: 'policy',
  notaccept: 'policy',
  rejected: 'policy',
  filtered: 'recipient_unknown',
  userunknown: 'recipient_unknown',
  hasmoved: 'recipient_unknown',
  suspend: 'recipient_unknown',
  mailboxfull: 'mailbox_full',
  exceedlimit: 'mailbox_full',
  emailtoolarge: 'other',
  hostunknown: 'domain_unknown',
  networkerror: 'network',
  failedstarttls: 'network',
  expired: 'expired',
  systemerror: 'other',
  systemfull: 'other',
  mailererror: 'other',
  syntaxerror: 'other',
  notcompliantrfc: 'other',
  onhold: 'other',
  vacation: 'other',
  feedback: 'other',
  delivered: 'other',
  undefined: 'other',
};

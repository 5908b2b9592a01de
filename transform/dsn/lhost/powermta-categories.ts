// Kept apart from powermta.ts so the generic delivery-status reader can use it without an import cycle.
/**
 * X-PowerMTA-BounceCategory (PowerMTA's own reading of the SMTP session) → reason hint, as Sisimai's PowerMTA
 * module reads it. 'inactive-mailbox' is a disabled mailbox (suspend in our vocabulary).
 */
const POWERMTA_CATEGORIES: Readonly<Record<string, string>> = {
  'bad-domain': 'hostunknown',
  'bad-mailbox': 'userunknown',
  'inactive-mailbox': 'suspend',
  'message-expired': 'expired',
  'no-answer-from-host': 'networkerror',
  'policy-related': 'policyviolation',
  'quota-issues': 'mailboxfull',
  'routing-errors': 'systemerror',
  'spam-related': 'spamdetected',
};

const CATEGORY_FIELD = 'x-powermta-bouncecategory';

/** Per-recipient fields PowerMTA adds to RFC 3464 groups, kept with the recipient they describe. */
export const POWERMTA_RECIPIENT_FIELDS: readonly string[] = [CATEGORY_FIELD];

/** PowerMTA's reading of one recipient group (fields by lower-case name) as a reason hint; undefined if none. */
export function powermtaReasonHint(fields: ReadonlyMap<string, string>): string | undefined {
  return POWERMTA_CATEGORIES[(fields.get(CATEGORY_FIELD) ?? '').trim().toLowerCase()];
}

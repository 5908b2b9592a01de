// Kept apart from powermta.ts so the generic delivery-status reader can use it without an import cycle.
/**
 * X-PowerMTA-BounceCategory (PowerMTA's own reading of the SMTP session) → reason hint, as Sisimai's PowerMTA
 * module reads it. 'inactive-mailbox' is a disabled mailbox (suspend in our vocabulary).
 */
export const POWERMTA_CATEGORIES: Readonly<Record<string, string>> = {
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

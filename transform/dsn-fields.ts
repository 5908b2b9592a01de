// What an MTA parser (lhost) extracts per recipient, before any receiver rule (rhost) looks at it.
// lhost modules fill DsnFields; classify.ts and addresses.ts turn them into the BounceEvent's verdict fields.

/** One failed or delayed recipient as the reporting MTA described it. */
export interface DsnRecipient {
  recipient: string;
  /** failed, delayed, ... (lower case); '' when the report does not say. */
  action: string;
  /** enhanced status code (5.7.1), '' when none. */
  status: string;
  /** SMTP reply code (550), 0 when none. */
  replyCode: number;
  /** the receiver's text, unfolded to one line. */
  diagnostic: string;
  /** the receiving MX host (Remote-MTA, or "host X said"); '' when unknown. */
  remoteMta: string;
  /** the SMTP command the receiver answered (RCPT, MAIL, DATA, CONN ...), '' when unknown. */
  command: string;
  /** Last-Attempt-Date for this recipient, when given. */
  lastAttemptDate?: Date;
  /** a hint the MTA parser may give, in Sisimai's reason vocabulary (e.g. 'expired' from Postfix's "delivery temporarily suspended"/queue expiry); rules may override. */
  reasonHint?: string;
  /** the hint is a coarse category (PowerMTA's BounceCategory, an X-Unix diagnostic type): it names the reason only
   *  when no rule decides, or when the rule that matched lands in the same category; it never overrules a rule. */
  reasonHintWeak?: boolean;
}

/** Everything one bounce message tells us, MTA-independent. */
export interface DsnFields {
  /** which parser matched: postfix, exim, sendmail, exchange, qmail, rfc3464, scan-text ... */
  mtaKind: string;
  reportingMta: string;
  arrivalDate?: Date;
  /** Date: header of the bounce itself. */
  messageDate?: Date;
  recipients: DsnRecipient[];
  /** The returned original, when the bounce carries it (message/rfc822, text/rfc822-headers or inline). */
  original: {
    /** header block as raw text (unfolded or not; addresses.ts parses it). '' when absent. */
    headers: string;
  };
  /** Extra DSN fields by lower-case name (x-postfix-sender, x-powermta-virtualmta, received-from-mta ...). */
  extra: Record<string, string>;
}

/** The verdict of the receiver rules for one recipient. */
export interface Verdict {
  reason: import('./vocabulary.ts').Reason;
  category: import('./vocabulary.ts').Category;
  provider: import('./vocabulary.ts').Provider;
  /** Microsoft's most specific code (S3150, S775, 5.7.606, AS3130, SC-001 ...) or '' */
  msCode: string;
  /** Microsoft's anti-spam rule number (AS1430) when the text prints one and it is not msCode; '' otherwise */
  msRule: string;
  /** the IP the receiver named in its text, or null */
  listedIp: string | null;
}

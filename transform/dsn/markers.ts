// Lines that start the inline copy of the returned message in free-form bounces (data, not code paths).
// Everything from the first match on is the original message, not the report.
export const ORIGINAL_MESSAGE_MARKERS: readonly RegExp[] = [
  /^-+ ?This is a copy of (?:the|your) message, including all the headers\.? ?-*$/i, // Exim
  /^-+ ?Below this line is a copy of the message\.?/i, // qmail
  /^-+ ?Original message ?-*$/i, // Gmail
  /^-+ ?(?:Unsent|Returned|Original) message (?:follows|is following)/i, // Sendmail v5, Courier, others
  /^-+ ?Returned Message ?-*$/i,
  /^-+ ?The header of the original message is following\.? ?-*$/i,
  /^-+ ?Original message headers:? ?-*$/i,
  /^Original message headers:$/i, // Exchange
  /^-+ ?original (?:message|mail info)/i,
  /^-+ ?Message headers follow/i,
  /^-+ ?This is a copy of the first part of the message/i,
  /^Content-Type: message\/rfc822\s*$/i, // broken MIME: the part header shows as text
  /^-+ ?(?:Original|Returned) mail (?:follows|header)/i,
  /^-+ ?Headers of the original message/i,
  /^-+ ?The original message was/i,
  /^Original message follows\.?$/i, // DragonFly, IMail
  /^Original Message:$/i, // Verizon MMS gateway
  /^Included is a copy of the message header:?$/i, // McAfee MXLogic
  /^Below (?:is|this line is) a copy of the (?:original )?message:?$/i, // OpenSMTPD
  /^-+ ?(?:Original|Returned) (?:message|mail|e-?mail)(?: header)? ?-*:?$/i,
  /^The (?:header of the |headers of the )?original message (?:is|are) (?:following|attached|below)/i,
];

// Generic recipient-line patterns for free-form bounces, most specific first. Group `addr`, optional `diag`.
import { ADDR } from './text-report.ts';

const A = `(?<addr>${ADDR})`;

export const GENERIC_RECIPIENT_LINES: readonly RegExp[] = [
  // "<user@example.net>: host mx said: 550 ..." (qmail, Postfix text, Yahoo, Courier)
  new RegExp(String.raw`^\s*<${A}>\s*:?\s*(?<diag>.*)$`),
  // "user@example.net... User unknown", "554 <user@example.net>... Remote protocol error" (Sendmail)
  new RegExp(String.raw`^\s*(?:(?<code>[45]\d\d)\s+)?<?${A}>?\.\.\.\s*(?<diag>.*)$`),
  // "user@example.net" alone, or "user@example.net: 550 ...", "* user@...", "user@... [User unknown]" (Exim, Gmail, OpenSMTPD, Exchange)
  // (one run of blanks before each part, so the blanks are never split two ways: \s* \s* \s+ in a row took
  // 418 ms on one 990-character line, 27 s on a 66 KB message; the blank before "(generated" is a lookbehind)
  new RegExp(
    String.raw`^\s*(?:[*-]+\s*)?"?${A}"?\s*(?:<[^<>\s]+>\s*)?(?::\s*(?<diag>.*)|(?<=\s)\((?:generated|expanded) from .*\)|\[(?<diag2>[^\]]*)\])?$`,
  ),
  // "Name<mailto:user@example.net>" (Exchange / Exchange Online)
  new RegExp(String.raw`^\s*[^<>]{0,120}<mailto:${A}>\s*(?<diag>.*)$`),
  // "Recipient: user@example.net", "Final-Recipient: rfc822; user@...", "Failed recipient: ..."
  new RegExp(
    String.raw`^\s*(?:final-recipient|original-recipient|x-failed-recipients|(?:failed |invalid |original |intended )?recipient(?: address(?:es)?)?(?:\(s\))?|rcpt to|addressee|address|destinataire|empf(?:ä|ae)nger|destinatario)\s*:\s*(?:rfc822\s*;\s*)?<?${A}>?\s*(?<diag>.*)$`,
    'i',
  ),
  // "Your message to user@example.net couldn't be delivered", "... could not be delivered to <user@...>"
  new RegExp(
    String.raw`\b(?:message|mail|delivery) (?:to|for) <?${A}>? (?:was |has been |could|couldn|cannot|can't|failed|wasn|is )(?<diag>.*)$`,
    'i',
  ),
  new RegExp(
    String.raw`\b(?:(?:un)?deliver(?:ed|able)|deliver(?: it| (?:the |your )?(?:message|mail))?|delivering (?:your |the )?(?:message|mail)|delivery) to:? (?:the following (?:recipient|address)(?:\(?es\)?)?:?\s*)?<?${A}>?(?<diag>.*)$`,
    'i',
  ),
  // "Delivery failed 20 attempts: user@...", "User's mailbox is full: <user@...>", "Unknown user: user@..."
  // ... and when the address ends the line, the words before it are the diagnostic ("Delivery failed 20 attempts")
  // (no \s* before a group that takes blanks too: the diagnostic is trimmed, and one way to split a run is linear)
  new RegExp(String.raw`^(?<diag>[^@<>:]*\bfailed\b[^:@]{0,40}):\s*<?${A}>?\s*$`, 'i'),
  new RegExp(String.raw`\bfailed\b[^:@]{0,40}:\s*<?${A}>?\s*(?<diag>.*)$`, 'i'),
  // (a letter then a blank somewhere before the colon, checked once by a lookahead: finding it by backtracking
  // through the run took 53 ms on one 990-character line)
  new RegExp(String.raw`^(?=[^@<>:]*[A-Za-z]\s)(?<diag>[^@<>:]*):\s*<?${A}>?\.?\s*$`),
  // "rejected recipient <user@...>", "refused recipient user@..."
  new RegExp(
    String.raw`\b(?:rejected|refused|unknown|invalid|bad) (?:recipient|address|user|mailbox)\s*:?\s*<?${A}>?(?<diag>.*)$`,
    'i',
  ),
  // "RCPT TO:<user@example.net>" inside a transcript
  new RegExp(String.raw`\bRCPT TO:\s*<?${A}>?(?<diag>.*)$`, 'i'),
  // "... following address(es) failed: user@example.net"
  new RegExp(String.raw`\b(?:address(?:es)?|recipients?)(?:\(e?s\))?\b[^:@]{0,40}:\s*<?${A}>?(?<diag>.*)$`, 'i'),
  // "user@example.net Invalid Address, ERROR_CODE :550 ..." (Zoho and others): an address opening a line of text
  new RegExp(String.raw`^\s*<?${A}>?,?\s+(?<diag>\S.*)$`),
];

// Caps on what the parser looks at in one message, so every input costs bounded, roughly linear work (issue 10:
// no input under 1 MB may take more than 50 ms). What lies past a cap is not read; docs/parsing.md lists each
// cap next to the skip and dead-letter reasons. Real bounces stay far below all of them (in the Sisimai corpus at
// most 6 leaf parts, a 15 KB top header block, 4 recipients, 6.5 KB of report text, 1,242-character lines).

/** multipart and message/rfc822 levels followed; deeper parts are not read. */
export const MAX_MIME_DEPTH = 8;
/** leaf parts kept per message (document order); later parts are not read. */
export const MAX_MIME_PARTS = 64;
/** bytes of one header block parsed (the top block, a part's, the returned original's); the rest is ignored. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** characters of one unfolded header value decoded (encoded words, charsets); the rest is cut off. */
export const MAX_HEADER_VALUE_CHARS = 8 * 1024;
/** characters of human-readable report text and of delivery-status read per message (after long lines are cut). */
export const MAX_REPORT_TEXT_CHARS = 64 * 1024;
/** characters of one report-text line the recipient and error patterns see; longer lines are cut. */
export const MAX_LINE_CHARS = 2000;
/** failed or delayed recipients taken from one bounce (first ones in report order); the rest are not read. */
export const MAX_RECIPIENTS = 100;

// ParsedMail → BounceMessage: the view every lhost parser reads (report text, delivery-status, original headers).
import { header, type MimeHeaders, type MimePart, type ParsedMail } from '../mime.ts';
import { MAX_HEADER_BYTES, MAX_LINE_CHARS, MAX_REPORT_TEXT_CHARS } from '../parse-limits.ts';
import { htmlToText } from './html-text.ts';
import { ORIGINAL_MESSAGE_MARKERS } from './markers.ts';

export interface BounceMessage {
  headers: MimeHeaders;
  /** From: header, lower case */
  from: string;
  /** Subject: header, decoded */
  subject: string;
  contentType: string;
  /** report-type parameter of a multipart/report, lower case */
  reportType: string;
  /** the human-readable report: text parts before the returned original, inline copy cut off */
  text: string;
  /** content of message/delivery-status parts ('' when none) */
  deliveryStatus: string;
  /** header block of the returned original ('' when absent) */
  originalHeaders: string;
  /** a message/feedback-report part is present (ARF) */
  feedbackReport: boolean;
  parts: MimePart[];
}

const DELIVERY_STATUS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL = new Set([
  'message/rfc822',
  'message/global',
  'message/partial',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

export function toBounceMessage(mail: ParsedMail): BounceMessage {
  let deliveryStatus = '';
  let originalHeaders = '';
  let feedbackReport = false;
  let seenOriginal = false;
  const plain: string[] = [];
  // read only when there is no plain text: most HTML parts are the alternative of a plain one
  const html: MimePart[] = [];
  for (const part of mail.parts) {
    const ct = part.contentType;
    if (DELIVERY_STATUS.has(ct)) {
      if (deliveryStatus.length < MAX_REPORT_TEXT_CHARS) deliveryStatus += (deliveryStatus ? '\n\n' : '') + part.text;
    } else if (ct === 'message/feedback-report') {
      feedbackReport = true;
    } else if (ORIGINAL.has(ct)) {
      if (!originalHeaders) originalHeaders = headerBlockOf(part.text);
      seenOriginal = true;
    } else if (!seenOriginal && ct === 'text/plain') {
      plain.push(part.text);
    } else if (!seenOriginal && ct === 'text/html') {
      html.push(part);
    } else if (!seenOriginal && ct.startsWith('text/') && !isAttachment(part)) {
      plain.push(part.text);
    }
  }
  let text = boundedText(
    plain.length > 0
      ? plain.join('\n')
      : html.map((h) => htmlToText(h.text.slice(0, 4 * MAX_REPORT_TEXT_CHARS))).join('\n'),
  );
  const cut = findOriginalMarker(text);
  if (cut !== -1) {
    if (!originalHeaders) originalHeaders = headerBlockOf(text.slice(text.indexOf('\n', cut) + 1));
    text = text.slice(0, cut);
  }
  return {
    headers: mail.headers,
    from: header(mail.headers, 'from').toLowerCase(),
    subject: header(mail.headers, 'subject'),
    contentType: mail.contentType,
    reportType: (mail.params['report-type'] ?? '').toLowerCase(),
    text,
    deliveryStatus: boundedText(deliveryStatus),
    // lines cut like the report's: the sender patterns read this block, and a megabyte From line is junk
    originalHeaders: boundedText(
      originalHeaders.length > MAX_HEADER_BYTES ? originalHeaders.slice(0, MAX_HEADER_BYTES) : originalHeaders,
    ),
    feedbackReport,
    parts: mail.parts,
  };
}

/**
 * What the line patterns may see of a text: every line cut to MAX_LINE_CHARS, then at most MAX_REPORT_TEXT_CHARS
 * in all. Cutting lines first keeps a real line that follows a megabyte of junk on one line.
 */
export function boundedText(text: string): string {
  if (text.length <= MAX_REPORT_TEXT_CHARS && !hasLongLine(text)) return text;
  const out: string[] = [];
  let size = 0;
  for (let pos = 0; pos < text.length && size < MAX_REPORT_TEXT_CHARS;) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const line = text.slice(pos, Math.min(end, pos + MAX_LINE_CHARS));
    out.push(line);
    size += line.length + 1;
    pos = end + 1;
  }
  const joined = out.join('\n');
  return joined.length > MAX_REPORT_TEXT_CHARS ? joined.slice(0, MAX_REPORT_TEXT_CHARS) : joined;
}

/**
 * A line longer than MAX_LINE_CHARS: one that runs through a whole window of MAX_LINE_CHARS + 1 characters. Each
 * step looks back from a window's end for the last line end in it, so short lines are skipped a window at a time.
 */
function hasLongLine(text: string): boolean {
  for (let pos = 0; text.length - pos > MAX_LINE_CHARS;) {
    const lineEnd = text.lastIndexOf('\n', pos + MAX_LINE_CHARS);
    if (lineEnd < pos) return true;
    pos = lineEnd + 1;
  }
  return false;
}

function isAttachment(part: MimePart): boolean {
  return /^attachment/i.test(header(part.headers, 'content-disposition'));
}

/** The markers as one alternation: one regex run per line instead of one per marker (all are /i, no flags else). */
const ANY_ORIGINAL_MARKER = new RegExp(ORIGINAL_MESSAGE_MARKERS.map((re) => `(?:${re.source})`).join('|'), 'i');
if (ORIGINAL_MESSAGE_MARKERS.some((re) => re.flags !== 'i'))
  throw new Error('markers.ts: every marker is written with the i flag and no other');

/** Offset of the first line that starts the inline original, or -1. */
function findOriginalMarker(text: string): number {
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    // cheap prefilter on the first letter of the markers (a line that starts blank is trimmed first)
    if (pos < end && mayStartMarker(text.charCodeAt(pos))) {
      const line = text.slice(pos, end).trim();
      if (/^[-OoCcBbTtIi]/.test(line) && ANY_ORIGINAL_MARKER.test(line)) return pos;
    }
    pos = end + 1;
  }
  return -1;
}

/** A first character of a marker (- O C B T I, either case) or anything that trim() may remove (all below 0x21, and
 *  every white space from U+00A0 on, checked by the slow path). */
function mayStartMarker(c: number): boolean {
  const lower = c | 0x20;
  return (
    c <= 0x20 ||
    c >= 0xa0 ||
    c === 0x2d ||
    lower === 0x6f ||
    lower === 0x63 ||
    lower === 0x62 ||
    lower === 0x74 ||
    lower === 0x69
  );
}

/** Leading header block of a message text (blank lines before it skipped); '' when it is not headers. */
function headerBlockOf(text: string): string {
  const start = text.replace(/^\s*\n/, '');
  const end = start.indexOf('\n\n');
  const block = end === -1 ? start : start.slice(0, end);
  return /^[!-9;-~]+[ \t]*:/.test(block) ? block : '';
}

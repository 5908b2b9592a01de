// Raw bytes → a light MIME tree: top headers plus the leaf parts a DSN parser needs, decoded to text.
// A synchronous, linear splitter over the bytes (read as latin1, one char per byte) with libmime for
// encoded words and parameters: simpleParser builds far more than we need (attachments, HTML→text of
// every part) and is several times slower; we also want to keep going past broken boundaries.
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { MAX_HEADER_BYTES, MAX_HEADER_VALUE_CHARS, MAX_MIME_DEPTH, MAX_MIME_PARTS } from './parse-limits.ts';

interface Libmime {
  decodeWords(s: string): string;
  parseHeaderValue(s: string): { value: string; params: Record<string, string> };
}
const libmime = createRequire(import.meta.url)('libmime') as { default?: Libmime } & Libmime;
const mime: Libmime = libmime.default ?? libmime;

/** Header name (lower case) → values in order, unfolded and decoded. */
export type MimeHeaders = Map<string, string[]>;

export interface MimePart {
  /** lower-case media type, e.g. text/plain, message/delivery-status */
  contentType: string;
  params: Record<string, string>;
  headers: MimeHeaders;
  /** decoded text for text/* and message/* parts (message/rfc822: its header block only); '' otherwise */
  text: string;
  /** message/rfc822 only: the whole enclosed message's bytes, made on demand (a forwarded bounce is parsed from it) */
  enclosed?: () => Buffer;
}

export interface ParsedMail {
  headers: MimeHeaders;
  contentType: string;
  params: Record<string, string>;
  /** leaf parts in document order; a message that is not multipart has one part */
  parts: MimePart[];
}

const HEADER_LINE = /^[!-9;-~]+[ \t]*:/;
/** Parts we decode; others (images, archives, application/*) are skipped unread. */
const TEXTUAL = /^(?:text\/|message\/)/;

/** CRLF and lone CR → LF, so every line-end style parses (and hashes) the same. */
export function normalizeLineEnds(raw: Buffer): Buffer {
  let cr = raw.indexOf(0x0d);
  if (cr === -1) return raw;
  // on the bytes: a string round trip (latin1 out, regex, latin1 back) cost a third of a megabyte bounce's parse
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  let from = 0;
  while (cr !== -1) {
    n += raw.copy(out, n, from, cr);
    out[n++] = 0x0a;
    from = raw[cr + 1] === 0x0a ? cr + 2 : cr + 1;
    cr = raw.indexOf(0x0d, from);
  }
  n += raw.copy(out, n, from);
  return out.subarray(0, n);
}

/** Parses LF-normalised bytes. Returns null when the bytes do not start with a header block. */
export function parseMail(normalized: Buffer): ParsedMail | null {
  let text = normalized.toString('latin1');
  // An mbox postmark left in front of a single message is not a header.
  if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  if (!HEADER_LINE.test(firstLine)) return null;
  const { headers, body } = splitEntity(text);
  const { contentType, params } = contentTypeOf(headers, 'text/plain');
  const parts: MimePart[] = [];
  walk(headers, contentType, params, body, parts, 0);
  return { headers, contentType, params, parts };
}

/** Splits an entity at the first empty line and parses its header block. */
export function splitEntity(text: string): { headers: MimeHeaders; body: string; headerBlock: string } {
  let end = text.indexOf('\n\n');
  if (text.startsWith('\n')) end = 0;
  let headerBlock = end === -1 ? text : text.slice(0, end);
  if (headerBlock.length > MAX_HEADER_BYTES)
    headerBlock = headerBlock.slice(0, headerBlock.lastIndexOf('\n', MAX_HEADER_BYTES) + 1);
  const body = end === -1 ? '' : text.slice(end + (end === 0 ? 1 : 2));
  return { headers: parseHeaderBlock(headerBlock), body, headerBlock };
}

/** Header block (latin1 or already decoded text) → unfolded, decoded values by lower-case name. */
export function parseHeaderBlock(block: string): MimeHeaders {
  if (block.length > MAX_HEADER_BYTES) block = block.slice(0, MAX_HEADER_BYTES);
  const headers: MimeHeaders = new Map();
  let name = '';
  let value = '';
  const flush = () => {
    if (!name) return;
    const list = headers.get(name);
    const v = decodeHeaderValue(value.trim());
    if (list) list.push(v);
    else headers.set(name, [v]);
  };
  for (const line of block.split('\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && name) {
      if (value.length < MAX_HEADER_VALUE_CHARS) value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !HEADER_LINE.test(line)) continue;
    flush();
    name = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  return headers;
}

export function header(headers: MimeHeaders, name: string): string {
  return headers.get(name)?.[0] ?? '';
}

function decodeHeaderValue(v: string): string {
  if (v.length > MAX_HEADER_VALUE_CHARS) v = v.slice(0, MAX_HEADER_VALUE_CHARS);
  if (/[\x80-\xff]/.test(v)) v = Buffer.from(v, 'latin1').toString('utf8');
  if (v.includes('=?')) {
    try {
      v = mime.decodeWords(v);
    } catch {
      // a malformed encoded word stays as it is: the raw text is still useful
      return v;
    }
  }
  return v;
}

function contentTypeOf(
  headers: MimeHeaders,
  fallback: string,
): { contentType: string; params: Record<string, string> } {
  const raw = header(headers, 'content-type');
  if (!raw) return { contentType: fallback, params: {} };
  const parsed = simpleHeaderValue(raw) ?? mime.parseHeaderValue(raw);
  const type = parsed.value.trim().toLowerCase();
  return { contentType: type.includes('/') ? type : fallback, params: parsed.params ?? {} };
}

/** `type/sub; key=token; key="quoted"` with nothing unusual (no comments, escapes, RFC 2231 `*`). */
const SIMPLE_VALUE = /^\s*([\w.+-]+\/[\w.+-]+)\s*((?:;\s*[\w.-]+\s*=\s*(?:"[^"\\]*"|[^\s;"()\\]+)\s*)*);?\s*$/;
const SIMPLE_PARAM = /;\s*([\w.-]+)\s*=\s*(?:"([^"\\]*)"|([^\s;"()\\]+))/g;

/**
 * The common Content-Type values without libmime's general parser: the same result (mime-fast-path.test.ts; all
 * 2,539 simple values in the Sisimai corpus checked), null for anything unusual.
 */
export function simpleHeaderValue(raw: string): { value: string; params: Record<string, string> } | null {
  const m = SIMPLE_VALUE.exec(raw);
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(SIMPLE_PARAM)) {
    const key = p[1].toLowerCase();
    if (!Object.hasOwn(params, key)) params[key] = p[2] ?? p[3] ?? '';
  }
  return { value: m[1], params };
}

function walk(
  headers: MimeHeaders,
  contentType: string,
  params: Record<string, string>,
  body: string,
  out: MimePart[],
  depth: number,
): void {
  if (out.length >= MAX_MIME_PARTS) return;
  if (contentType.startsWith('multipart/') && depth < MAX_MIME_DEPTH) {
    const children = params.boundary ? splitMultipart(body, params.boundary) : null;
    if (children) {
      // multipart/digest children default to message/rfc822
      const childDefault = contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
      for (const child of children) {
        if (out.length >= MAX_MIME_PARTS) return;
        const entity = splitEntity(child);
        const ct = contentTypeOf(entity.headers, childDefault);
        walk(entity.headers, ct.contentType, ct.params, entity.body, out, depth + 1);
      }
      return;
    }
    // Broken or missing boundary: parse what is there as plain text.
    out.push({ contentType: 'text/plain', params, headers, text: decodeText(body, headers, params) });
    return;
  }
  let text = '';
  if (contentType === 'message/rfc822' || contentType === 'message/global' || contentType === 'message/partial') {
    // Only the returned message's header block matters (sender, account, Received lines).
    const decoded = decodedBody(body, headers);
    // a Buffer of a 7bit/8bit/binary body is made only if a forwarded bounce is read
    const inner = decoded ? decoded.toString('latin1') : body;
    const enclosed = () => decoded ?? Buffer.from(body, 'latin1');
    const start = inner.startsWith('\n') ? inner.replace(/^\n+/, '') : inner;
    const end = start.indexOf('\n\n');
    const block = end === -1 ? start : start.slice(0, end + 1);
    text = latin1ToText(block.length > MAX_HEADER_BYTES ? block.slice(0, MAX_HEADER_BYTES) : block, 'utf-8');
    out.push({ contentType, params, headers, text, enclosed });
    return;
  } else if (TEXTUAL.test(contentType)) {
    text = decodeText(body, headers, params);
  }
  out.push({ contentType, params, headers, text });
}

/** Body → child bodies. Null when no delimiter line is found; a missing close delimiter ends at EOF. */
function splitMultipart(body: string, boundary: string): string[] | null {
  const delim = '--' + boundary;
  const children: string[] = [];
  let start = -1;
  let pos = 0;
  while (pos < body.length) {
    const at = body.indexOf(delim, pos);
    if (at === -1) break;
    pos = at + delim.length;
    if (at > 0 && body[at - 1] !== '\n') continue;
    const lineEnd = body.indexOf('\n', pos);
    const rest = body.slice(pos, lineEnd === -1 ? body.length : lineEnd);
    const closing = rest.startsWith('--');
    if (!closing && rest.trim() !== '') continue;
    if (start !== -1) children.push(body.slice(start, at > 0 ? at - 1 : at));
    // past the part cap nothing more is read (walk stops there too)
    if (closing || children.length > MAX_MIME_PARTS) return children;
    start = lineEnd === -1 ? body.length : lineEnd + 1;
    pos = start;
  }
  if (start === -1) return null;
  children.push(body.slice(start));
  return children;
}

function decodeText(body: string, headers: MimeHeaders, params: Record<string, string>): string {
  const charset = params.charset ?? 'utf-8';
  const decoded = decodedBody(body, headers);
  return decoded ? bytesToText(decoded, charset) : latin1ToText(body, charset);
}

/**
 * A base64 or quoted-printable body's bytes; null for 7bit/8bit/binary, whose body string already holds them (one
 * latin1 char per byte), so they make no round trip through a Buffer.
 */
function decodedBody(body: string, headers: MimeHeaders): Buffer | null {
  const cte = header(headers, 'content-transfer-encoding').trim().toLowerCase();
  if (cte === 'base64') return Buffer.from(body, 'base64');
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  return null;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function decodeQuotedPrintable(body: string): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  const len = body.length;
  for (let i = 0; i < len; i++) {
    const c = body.charCodeAt(i);
    if (c !== 0x3d) {
      out[n++] = c & 0xff;
      continue;
    }
    const hi = hexValue(body.charCodeAt(i + 1));
    const lo = hi === -1 ? -1 : hexValue(body.charCodeAt(i + 2));
    if (lo !== -1) {
      out[n++] = (hi << 4) | lo;
      i += 2;
      continue;
    }
    // "=" then optional trailing blanks then LF: a soft line break
    let j = i + 1;
    while (j < len && (body.charCodeAt(j) === 0x20 || body.charCodeAt(j) === 0x09)) j++;
    if (j < len && body.charCodeAt(j) === 0x0a) {
      i = j;
      continue;
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

const decoders = new Map<string, TextDecoder | null>();
// eslint-disable-next-line no-control-regex
const ISO_2022_JP = /\x1b\$[@B]/;

/** latin1-held bytes → text in the given charset; an unknown charset falls back to UTF-8. */
function latin1ToText(bytes: string, charset: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x80-\xff\x1b]/.test(bytes)) return bytes;
  const eightBit = /[\x80-\xff]/.test(bytes);
  return decoderFor(charset, !eightBit && ISO_2022_JP.test(bytes)).decode(Buffer.from(bytes, 'latin1'));
}

/** The same for bytes in a Buffer (a base64 or quoted-printable part), without holding them as a string first. */
function bytesToText(bytes: Buffer, charset: string): string {
  const eightBit = !isAscii(bytes);
  if (!eightBit && bytes.indexOf(0x1b) === -1) return bytes.toString('latin1');
  return decoderFor(charset, !eightBit && ISO_2022_JP.test(bytes.toString('latin1'))).decode(bytes);
}

/** The decoder for a charset label; 7-bit text with ISO-2022-JP escapes under no or another charset (Notes/Domino
 *  delivery-status parts) is ISO-2022-JP, whatever the label says. */
function decoderFor(charset: string, jisEscapes: boolean): TextDecoder {
  let label = charset.trim().toLowerCase().replace(/^"|"$/g, '') || 'utf-8';
  if (!label.startsWith('iso-2022') && jisEscapes) label = 'iso-2022-jp';
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    decoders.set(label, decoder);
  }
  return decoder ?? new TextDecoder('utf-8');
}

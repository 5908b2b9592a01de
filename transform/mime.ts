// Raw bytes → a light MIME tree: top headers plus the leaf parts a DSN parser needs, decoded to text.
// A synchronous, linear splitter with libmime for encoded words and parameters: simpleParser builds far more than
// we need (attachments, HTML→text of every part) and is several times slower; we also want to keep going past
// broken boundaries. Bodies stay bytes (subarrays of the input) until a text part is decoded, so a part nobody
// reads (images, archives, the returned original past its header block) is never copied into a string; header
// blocks become latin1 strings (one char per byte) that are indexed once and decoded per field when read.
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { MAX_HEADER_BYTES, MAX_HEADER_VALUE_CHARS, MAX_MIME_DEPTH, MAX_MIME_PARTS } from './parse-limits.ts';

interface Libmime {
  decodeWords(s: string): string;
  parseHeaderValue(s: string): { value: string; params: Record<string, string> };
}
/** libmime, loaded at its first use: its charset tables cost about 40 ms of a process's start, and most bounces
 *  never need it (single encoded words and plain parameters are decoded here). */
let loadedMime: Libmime | null = null;
function mime(): Libmime {
  if (loadedMime === null) {
    const lib = createRequire(import.meta.url)('libmime') as { default?: Libmime } & Libmime;
    loadedMime = lib.default ?? lib;
  }
  return loadedMime;
}

/** Header name (lower case) → values in order, unfolded and decoded. */
export interface MimeHeaders {
  get(name: string): string[] | undefined;
}

export interface MimePart {
  /** lower-case media type, e.g. text/plain, message/delivery-status */
  contentType: string;
  params: Record<string, string>;
  headers: MimeHeaders;
  /** decoded text for text/* and message/* parts (message/rfc822: its header block only); '' otherwise */
  readonly text: string;
  /** message/rfc822 only: the whole enclosed message's bytes (a forwarded bounce is parsed from them) */
  enclosed?: () => Buffer;
}

export interface ParsedMail {
  headers: MimeHeaders;
  contentType: string;
  params: Record<string, string>;
  /** leaf parts in document order; a message that is not multipart has one part */
  parts: MimePart[];
}

const LF = 0x0a;
const BLANK_LINE = Buffer.from('\n\n');
const EMPTY = Buffer.alloc(0);

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
  let start = 0;
  // An mbox postmark left in front of a single message is not a header.
  if (normalized.length >= 5 && normalized.toString('latin1', 0, 5) === 'From ') start = normalized.indexOf(LF) + 1;
  const entity = start === 0 ? normalized : normalized.subarray(start);
  const firstLineEnd = entity.indexOf(LF);
  if (!isHeaderLine(entity, 0, firstLineEnd === -1 ? entity.length : firstLineEnd)) return null;
  const { headers, body } = splitEntity(entity);
  const { contentType, params } = contentTypeOf(headers, 'text/plain');
  const parts: MimePart[] = [];
  walk(headers, contentType, params, body, parts, 0);
  return { headers, contentType, params, parts };
}

/** A name char of a header line: printable ASCII but the colon (RFC 5322 ftext). */
function isNameChar(c: number): boolean {
  return c >= 0x21 && c <= 0x7e && c !== 0x3a;
}

/** `^[!-9;-~]+[ \t]*:` over the bytes [from, end). */
function isHeaderLine(bytes: Buffer, from: number, end: number): boolean {
  let i = from;
  while (i < end && isNameChar(bytes[i])) i++;
  if (i === from) return false;
  while (i < end && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  return i < end && bytes[i] === 0x3a;
}

/** Splits an entity at the first empty line and indexes its header block. */
function splitEntity(entity: Buffer): { headers: MimeHeaders; body: Buffer } {
  const end = entity[0] === LF ? 0 : entity.indexOf(BLANK_LINE);
  let blockEnd = end === -1 ? entity.length : end;
  if (blockEnd > MAX_HEADER_BYTES) blockEnd = entity.lastIndexOf(LF, MAX_HEADER_BYTES) + 1;
  const body = end === -1 ? EMPTY : entity.subarray(end + (end === 0 ? 1 : 2));
  const block = entity.subarray(0, blockEnd);
  return { headers: new HeaderIndex(block.toString('latin1'), isAscii(block)), body };
}

/** Header block (latin1 or already decoded text) → unfolded, decoded values by lower-case name. */
export function parseHeaderBlock(block: string): MimeHeaders {
  return new HeaderIndex(block.length > MAX_HEADER_BYTES ? block.slice(0, MAX_HEADER_BYTES) : block, false);
}

/**
 * A header block indexed by name in one pass over its lines; a field's value is unfolded and decoded only when its
 * name is first asked for (most fields, e.g. DKIM signatures and most Received lines, are never read).
 *
 * A field runs from its header line to the next header line: continuation lines (leading blank) in between are
 * appended, other lines (not a header, not a continuation) are skipped. Fields are found by a hash of the lower-case
 * name, so indexing makes no strings.
 */
class HeaderIndex implements MimeHeaders {
  readonly #block: string;
  /** the block is 7-bit: no value needs the 8-bit (raw UTF-8) test */
  readonly #ascii: boolean;
  /** name hash → [nameStart, nameLength, valueStart, fieldEnd] per field, in order */
  readonly #fields = new Map<number, number[]>();
  readonly #values = new Map<string, string[]>();

  constructor(block: string, ascii: boolean) {
    this.#block = block;
    this.#ascii = ascii;
    let open: number[] | null = null;
    let pos = 0;
    const len = block.length;
    while (pos < len) {
      let lineEnd = block.indexOf('\n', pos);
      if (lineEnd === -1) lineEnd = len;
      const first = block.charCodeAt(pos);
      if (first !== 0x20 && first !== 0x09) {
        let i = pos;
        let hash = 0;
        for (let c = first; i < lineEnd && isNameChar(c); c = block.charCodeAt(++i))
          hash = (hash * 31 + lowerAscii(c)) | 0;
        const nameEnd = i;
        let c = block.charCodeAt(i);
        while (i < lineEnd && (c === 0x20 || c === 0x09)) c = block.charCodeAt(++i);
        if (nameEnd > pos && i < lineEnd && c === 0x3a) {
          if (open) open[open.length - 1] = pos;
          open = this.#fields.get(hash) ?? null;
          if (open) open.push(pos, nameEnd - pos, i + 1, len);
          else this.#fields.set(hash, (open = [pos, nameEnd - pos, i + 1, len]));
        }
      }
      pos = lineEnd + 1;
    }
  }

  get(name: string): string[] | undefined {
    // most names asked for are absent (each lhost probes its own headers): the hash answers those first
    let hash = 0;
    for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
    const list = this.#fields.get(hash);
    if (!list) return undefined;
    const known = this.#values.get(name);
    if (known) return known;
    let values: string[] | undefined;
    for (let k = 0; k < list.length; k += 4) {
      if (!this.#nameIs(list[k], list[k + 1], name)) continue;
      (values ??= []).push(this.#value(list[k + 2], list[k + 3]));
    }
    if (values) this.#values.set(name, values);
    return values;
  }

  #nameIs(start: number, length: number, name: string): boolean {
    if (length !== name.length) return false;
    for (let i = 0; i < length; i++)
      if (lowerAscii(this.#block.charCodeAt(start + i)) !== name.charCodeAt(i)) return false;
    return true;
  }

  /** The value from after the colon to the field's end: continuation lines appended trimmed, while under the cap. */
  #value(from: number, end: number): string {
    const block = this.#block;
    let lineEnd = block.indexOf('\n', from);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    let value = block.slice(from, lineEnd);
    for (let pos = lineEnd + 1; pos < end; pos = lineEnd + 1) {
      lineEnd = block.indexOf('\n', pos);
      if (lineEnd === -1 || lineEnd > end) lineEnd = end;
      const c = block.charCodeAt(pos);
      if ((c === 0x20 || c === 0x09) && value.length < MAX_HEADER_VALUE_CHARS)
        value += ' ' + block.slice(pos, lineEnd).trim();
    }
    return decodeHeaderValue(value.trim(), this.#ascii);
  }
}

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

export function header(headers: MimeHeaders, name: string): string {
  return headers.get(name)?.[0] ?? '';
}

function decodeHeaderValue(v: string, ascii: boolean): string {
  if (v.length > MAX_HEADER_VALUE_CHARS) v = v.slice(0, MAX_HEADER_VALUE_CHARS);
  if (!ascii && /[\x80-\xff]/.test(v)) v = Buffer.from(v, 'latin1').toString('utf8');
  if (v.includes('=?')) {
    const oneWord = decodeOneWord(v);
    if (oneWord !== null) return oneWord;
    try {
      v = mime().decodeWords(v);
    } catch {
      // a malformed encoded word stays as it is: the raw text is still useful
      return v;
    }
  }
  return v;
}

const ENCODED_WORD = /=\?([\w_\-*]+)\?([QqBb])\?([^?]*)\?=/;
const PLAIN_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A value with one B-encoded word in UTF-8 or ISO-2022-JP (most encoded Subject and From values) decoded without
 * libmime, whose general path costs 10-100 µs for ISO-2022-JP (a charset lookup that throws and is caught, then
 * encoding-japanese). The result is libmime's (mime-words.test.ts); null for anything else, which libmime decodes:
 * several words (libmime joins them), Q encoding, other charsets, padding inside the base64, JIS text outside the
 * part where TextDecoder and encoding-japanese agree.
 */
export function decodeOneWord(v: string): string | null {
  const m = ENCODED_WORD.exec(v);
  if (!m || (m[2] !== 'B' && m[2] !== 'b') || !PLAIN_BASE64.test(m[3])) return null;
  const end = m.index + m[0].length;
  // another word before or after (libmime may join them) needs a "=?" before or a "?" after; NUL may fake the
  // marker libmime joins words with
  if ((m.index > 0 && v.lastIndexOf('=?', m.index - 1) !== -1) || v.indexOf('?', end) !== -1 || v.includes('\0'))
    return null;
  const charset = m[1].toLowerCase();
  const bytes = Buffer.from(m[3], 'base64');
  let text: string | null = null;
  if (charset === 'utf-8' || charset === 'utf8') text = bytes.toString('utf8');
  else if (charset === 'iso-2022-jp') text = plainJisText(bytes);
  return text === null ? null : v.slice(0, m.index) + text + v.slice(end);
}

const jisDecoder = new TextDecoder('iso-2022-jp');

/**
 * ISO-2022-JP made only of printable ASCII and JIS X 0208 rows 1-84 (no NEC row 13, no IBM rows) switched by
 * ESC $ B / ESC $ @ and ESC ( B, ending in ASCII, decoded by TextDecoder: there it gives what encoding-japanese gives
 * (checked code by code in mime-words.test.ts), except for unassigned codes, which come out as U+FFFD. Null otherwise.
 */
function plainJisText(bytes: Buffer): string | null {
  let kanji = false;
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i];
    if (c === 0x1b) {
      if (i + 2 >= bytes.length) return null;
      const a = bytes[i + 1];
      const b = bytes[i + 2];
      if (a === 0x24 && (b === 0x42 || b === 0x40)) kanji = true;
      else if (a === 0x28 && b === 0x42) kanji = false;
      else return null;
      i += 3;
    } else if (kanji) {
      if (i + 1 >= bytes.length || c < 0x21 || c > 0x74 || c === 0x2d) return null;
      const d = bytes[i + 1];
      if (d < 0x21 || d > 0x7e) return null;
      i += 2;
    } else {
      if (c < 0x20 || c > 0x7e) return null;
      i++;
    }
  }
  if (kanji) return null;
  const text = jisDecoder.decode(bytes);
  return text.includes('\ufffd') ? null : text;
}

/** Parsed Content-Type values by raw value: part types ("text/plain; charset=us-ascii", "message/delivery-status")
 *  repeat across messages. Bounded: emptied when full. */
const contentTypes = new Map<string, { type: string; params: Record<string, string> }>();
const CONTENT_TYPE_CACHE_SIZE = 256;

function contentTypeOf(
  headers: MimeHeaders,
  fallback: string,
): { contentType: string; params: Record<string, string> } {
  const raw = header(headers, 'content-type');
  if (!raw) return { contentType: fallback, params: {} };
  let known = contentTypes.get(raw);
  if (!known) {
    const parsed = simpleHeaderValue(raw) ?? mime().parseHeaderValue(raw);
    known = { type: parsed.value.trim().toLowerCase(), params: parsed.params ?? {} };
    if (contentTypes.size >= CONTENT_TYPE_CACHE_SIZE) contentTypes.clear();
    contentTypes.set(raw, known);
  }
  // a copy: the caller owns the params it is given
  return { contentType: known.type.includes('/') ? known.type : fallback, params: { ...known.params } };
}

/**
 * The common Content-Type values without libmime's general parser: `type/sub; key=token; key="quoted"` with nothing
 * unusual (no comments, escapes, RFC 2231 `*`). The same result (mime-fast-path.test.ts; all 2,539 simple values in
 * the Sisimai corpus checked), null for anything unusual. A scanner for what the regular expression
 * `^\s*([\w.+-]+\/[\w.+-]+)\s*((?:;\s*[\w.-]+\s*=\s*(?:"[^"\\]*"|[^\s;"()\\]+)\s*)*);?\s*$` accepts (no step of it
 * needs backtracking), with the parameters in order, the first of a repeated key kept.
 */
export function simpleHeaderValue(raw: string): { value: string; params: Record<string, string> } | null {
  const len = raw.length;
  let i = skipSpace(raw, 0);
  const typeStart = i;
  i = skipWhile(raw, i, isTypeChar);
  if (i === typeStart || raw.charCodeAt(i) !== 0x2f) return null;
  const subStart = ++i;
  i = skipWhile(raw, i, isTypeChar);
  if (i === subStart) return null;
  const value = raw.slice(typeStart, i);
  const params: Record<string, string> = {};
  i = skipSpace(raw, i);
  while (i < len) {
    if (raw.charCodeAt(i) !== 0x3b) return null;
    const afterSemicolon = skipSpace(raw, i + 1);
    if (afterSemicolon === len) break; // `;?\s*$`
    const keyStart = afterSemicolon;
    i = skipWhile(raw, keyStart, isKeyChar);
    if (i === keyStart) return null;
    const key = raw.slice(keyStart, i).toLowerCase();
    i = skipSpace(raw, i);
    if (raw.charCodeAt(i) !== 0x3d) return null;
    i = skipSpace(raw, i + 1);
    let paramValue: string;
    if (raw.charCodeAt(i) === 0x22) {
      const close = i + 1 + countWhile(raw, i + 1, isQuotedChar);
      if (raw.charCodeAt(close) !== 0x22) return null;
      paramValue = raw.slice(i + 1, close);
      i = close + 1;
    } else {
      const tokenStart = i;
      i = skipWhile(raw, i, isTokenChar);
      if (i === tokenStart) return null;
      paramValue = raw.slice(tokenStart, i);
    }
    if (!Object.hasOwn(params, key)) params[key] = paramValue;
    i = skipSpace(raw, i);
  }
  return { value, params };
}

function skipWhile(s: string, from: number, test: (c: number) => boolean): number {
  let i = from;
  while (i < s.length && test(s.charCodeAt(i))) i++;
  return i;
}

function countWhile(s: string, from: number, test: (c: number) => boolean): number {
  return skipWhile(s, from, test) - from;
}

function skipSpace(s: string, from: number): number {
  return skipWhile(s, from, isSpace);
}

/** `\s` of a regular expression (white space and line terminators). */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `\w` */
function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** `[\w.+-]` */
function isTypeChar(c: number): boolean {
  return isWordChar(c) || c === 0x2e || c === 0x2b || c === 0x2d;
}

/** `[\w.-]` */
function isKeyChar(c: number): boolean {
  return isWordChar(c) || c === 0x2e || c === 0x2d;
}

/** `[^"\\]` */
function isQuotedChar(c: number): boolean {
  return c !== 0x22 && c !== 0x5c;
}

/** `[^\s;"()\\]` */
function isTokenChar(c: number): boolean {
  return c !== 0x3b && c !== 0x22 && c !== 0x28 && c !== 0x29 && c !== 0x5c && !isSpace(c);
}

const ENCLOSED_MESSAGE = new Set(['message/rfc822', 'message/global', 'message/partial']);

function walk(
  headers: MimeHeaders,
  contentType: string,
  params: Record<string, string>,
  body: Buffer,
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
    out.push(new LeafPart('text/plain', params, headers, body));
    return;
  }
  if (ENCLOSED_MESSAGE.has(contentType)) {
    out.push(new EnclosedPart(contentType, params, headers, body));
    return;
  }
  const textual = contentType.startsWith('text/') || contentType.startsWith('message/');
  out.push(new LeafPart(contentType, params, headers, textual ? body : null));
}

/** A text or message part, decoded when its text is first read (an HTML alternative, a text attachment often is not). */
class LeafPart implements MimePart {
  #body: Buffer | null;
  #text: string | undefined;

  constructor(
    readonly contentType: string,
    readonly params: Record<string, string>,
    readonly headers: MimeHeaders,
    /** null for parts that are not text (their text is '') */
    body: Buffer | null,
  ) {
    this.#body = body;
  }

  get text(): string {
    if (this.#text === undefined) {
      this.#text = this.#body ? decodeText(this.#body, this.headers, this.params) : '';
      this.#body = null;
    }
    return this.#text;
  }
}

/** message/rfc822 (global, partial): its text is the enclosed message's header block, its bytes are kept. */
class EnclosedPart implements MimePart {
  #body: Buffer;
  #decoded: Buffer | undefined;
  #text: string | undefined;

  constructor(
    readonly contentType: string,
    readonly params: Record<string, string>,
    readonly headers: MimeHeaders,
    body: Buffer,
  ) {
    this.#body = body;
  }

  /** Only the returned message's header block matters (sender, account, Received lines). */
  get text(): string {
    return (this.#text ??= bytesToText(leadingHeaderBlock(this.enclosed()), 'utf-8'));
  }

  /** The enclosed message's bytes, transfer-decoded. */
  readonly enclosed = (): Buffer => (this.#decoded ??= decodedBody(this.#body, this.headers) ?? this.#body);
}

/**
 * An enclosed message's header block with the newline that ends it (blank lines before it skipped), at most
 * MAX_HEADER_BYTES; searched only that far, so a large returned original is not scanned for its end.
 */
function leadingHeaderBlock(message: Buffer): Buffer {
  let start = 0;
  while (message[start] === LF) start++;
  const head = message.subarray(start, start + MAX_HEADER_BYTES + 1);
  const end = head.indexOf(BLANK_LINE);
  return head.subarray(0, Math.min(end === -1 ? head.length : end + 1, MAX_HEADER_BYTES));
}

/** Body → child bodies. Null when no delimiter line is found; a missing close delimiter ends at EOF. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] | null {
  const delimText = '--' + boundary;
  // the body holds bytes: a boundary with a character past latin1 never occurs in it
  for (let i = 2; i < delimText.length; i++) if (delimText.charCodeAt(i) > 0xff) return null;
  const delim = Buffer.from(delimText, 'latin1');
  const children: Buffer[] = [];
  let start = -1;
  let pos = 0;
  while (pos < body.length) {
    const at = body.indexOf(delim, pos);
    if (at === -1) break;
    pos = at + delim.length;
    if (at > 0 && body[at - 1] !== LF) continue;
    const lineEnd = body.indexOf(LF, pos);
    const restEnd = lineEnd === -1 ? body.length : lineEnd;
    const closing = restEnd - pos >= 2 && body[pos] === 0x2d && body[pos + 1] === 0x2d;
    if (!closing && !isBlank(body, pos, restEnd)) continue;
    if (start !== -1) children.push(body.subarray(start, at > 0 ? at - 1 : at));
    // past the part cap nothing more is read (walk stops there too)
    if (closing || children.length > MAX_MIME_PARTS) return children;
    start = restEnd === body.length ? body.length : restEnd + 1;
    pos = start;
  }
  if (start === -1) return null;
  children.push(body.subarray(start));
  return children;
}

/** Only white space as String.prototype.trim sees it in latin1 (tab, VT, FF, CR, space, NBSP) in [from, end). */
function isBlank(bytes: Buffer, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0b && c !== 0x0c && c !== 0x0d && c !== 0xa0) return false;
  }
  return true;
}

function decodeText(body: Buffer, headers: MimeHeaders, params: Record<string, string>): string {
  return bytesToText(decodedBody(body, headers) ?? body, params.charset ?? 'utf-8');
}

/** A base64 or quoted-printable body's bytes; null for 7bit/8bit/binary, whose body already is its bytes. */
function decodedBody(body: Buffer, headers: MimeHeaders): Buffer | null {
  const cte = header(headers, 'content-transfer-encoding').trim().toLowerCase();
  if (cte === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  return null;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const len = body.length;
  const out = Buffer.allocUnsafe(len);
  let n = 0;
  for (let i = 0; i < len; i++) {
    const c = body[i];
    if (c !== 0x3d) {
      out[n++] = c;
      continue;
    }
    const hi = i + 1 < len ? hexValue(body[i + 1]) : -1;
    const lo = hi === -1 || i + 2 >= len ? -1 : hexValue(body[i + 2]);
    if (lo !== -1) {
      out[n++] = (hi << 4) | lo;
      i += 2;
      continue;
    }
    // "=" then optional trailing blanks then LF: a soft line break
    let j = i + 1;
    while (j < len && (body[j] === 0x20 || body[j] === 0x09)) j++;
    if (j < len && body[j] === LF) {
      i = j;
      continue;
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

const decoders = new Map<string, TextDecoder | null>();
const ISO_2022_JP_IN = [Buffer.from('\x1b$@', 'latin1'), Buffer.from('\x1b$B', 'latin1')];

/** Bytes → text in the given charset; an unknown charset falls back to UTF-8. */
function bytesToText(bytes: Buffer, charset: string): string {
  const eightBit = !isAscii(bytes);
  if (!eightBit && bytes.indexOf(0x1b) === -1) return bytes.toString('latin1');
  const jisEscapes = !eightBit && ISO_2022_JP_IN.some((escape) => bytes.indexOf(escape) !== -1);
  return decoderFor(charset, jisEscapes).decode(bytes);
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

// Deterministic ids: the same message bytes (after line-end normalisation) give the same event ids on replay.
import crypto, { createHash } from 'node:crypto';

/** One-shot sha256 (crypto.hash, Node >= 20.12) skips the Hash object: about twice as fast on a bounce's bytes. */
const sha256: (data: Buffer, encoding: 'buffer' | 'hex') => Buffer | string =
  typeof crypto.hash === 'function'
    ? (data, encoding) => crypto.hash('sha256', data, encoding)
    : (data, encoding) =>
        encoding === 'hex'
          ? createHash('sha256').update(data).digest('hex')
          : createHash('sha256').update(data).digest();

/** sha256 of the normalised message; per-recipient ids derive from it. */
export function messageDigest(normalized: Buffer): Buffer {
  return sha256(normalized, 'buffer') as Buffer;
}

/** Room for a sha256 digest, ":" and a recipient index's digits. */
const ID_INPUT = Buffer.alloc(32 + 1 + 16);

/** 32 hex chars: sha256(message digest ‖ ":" ‖ recipient index). */
export function eventId(digest: Buffer, recipientIndex: number): string {
  const suffix = `:${recipientIndex}`;
  if (digest.length + suffix.length > ID_INPUT.length) {
    return (sha256(Buffer.concat([digest, Buffer.from(suffix, 'latin1')]), 'hex') as string).slice(0, 32);
  }
  // the same bytes written into one reused buffer: no concatenation per recipient
  digest.copy(ID_INPUT, 0);
  const end = digest.length + ID_INPUT.write(suffix, digest.length, 'latin1');
  return (sha256(ID_INPUT.subarray(0, end), 'hex') as string).slice(0, 32);
}

/** "user@example.net" → "<12 hex>@example.net" (hashLocalPart option). */
export function hashLocalPart(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  return `${createHash('sha256').update(address.slice(0, at)).digest('hex').slice(0, 12)}${address.slice(at)}`;
}

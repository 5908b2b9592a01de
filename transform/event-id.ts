// Deterministic ids: the same message bytes (after line-end normalisation) give the same event ids on replay.
import { createHash } from 'node:crypto';

/** sha256 of the normalised message; per-recipient ids derive from it. */
export function messageDigest(normalized: Buffer): Buffer {
  return createHash('sha256').update(normalized).digest();
}

/** 32 hex chars: sha256(message digest ‖ recipient index). */
export function eventId(digest: Buffer, recipientIndex: number): string {
  return createHash('sha256').update(digest).update(`:${recipientIndex}`).digest('hex').slice(0, 32);
}

/** "user@example.net" → "<12 hex>@example.net" (hashLocalPart option). */
export function hashLocalPart(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  return `${createHash('sha256').update(address.slice(0, at)).digest('hex').slice(0, 12)}${address.slice(at)}`;
}

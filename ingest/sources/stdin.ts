// One message from a stream, the way an MTA pipe delivers it (Postfix pipe(8), an Exim pipe transport, an
// aliases `|command`): everything up to end of input is one message. A leading mbox postmark ("From sender date",
// which Exim's pipe transport and some local delivery agents prepend) is not part of the message and is cut, so the
// same bounce gets the same key and event ids whichever MTA delivered it.
import type { Readable } from 'node:stream';

const POSTMARK = /^From \S+ +\S[^\n]*\d{4}\s*\n/;

export type StdinMessage =
  { kind: 'message'; bytes: Buffer } | { kind: 'empty' } | { kind: 'too_large'; bytes: number };

/** Reads the whole stream; stops keeping bytes once past maxBytes but drains the rest (the MTA must not get EPIPE). */
export async function readOneMessage(stream: Readable, maxBytes: number): Promise<StdinMessage> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += b.length;
    if (total <= maxBytes + 4096) chunks.push(b); // a postmark line may still be cut below
  }
  let bytes = Buffer.concat(chunks);
  const head = bytes.subarray(0, 1024).toString('latin1');
  const postmark = POSTMARK.exec(head);
  if (postmark) {
    const cut = Buffer.byteLength(postmark[0], 'latin1');
    bytes = bytes.subarray(cut);
    total -= cut;
  }
  if (total > maxBytes) return { kind: 'too_large', bytes: total };
  if (bytes.every((c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) return { kind: 'empty' };
  return { kind: 'message', bytes };
}

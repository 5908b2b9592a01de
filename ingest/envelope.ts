// The envelope recipient a bounce was delivered to (Postfix ${recipient}, Exim $local_part@$domain), carried as
// a Kafka record header. With VERP it is our original envelope sender and encodes the original recipient:
// bounces+alice=example.org@bounce.example.net → alice@example.org. The consumer fills what the bounce text lacks.
import type { BounceEvent } from '../transform/bounce-event.ts';
import { hashLocalPart } from '../transform/event-id.ts';
import type { StepResult } from './pipeline.ts';

export const ENVELOPE_RECIPIENT_HEADER = 'envelope-recipient';

/** The VERP delimiters senders use: Postfix's default `+=`, and the `-=` of qmail / Exim setups. Tried in order. */
const VERP_DELIMITERS = ['+', '-'] as const;

const ADDRESS = /^[^\s@<>]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

export function isEnvelopeAddress(s: string): boolean {
  return ADDRESS.test(s);
}

/** The original recipient a VERP address encodes, or '' when it encodes none. */
export function verpRecipient(envelopeRecipient: string): string {
  const at = envelopeRecipient.lastIndexOf('@');
  if (at < 0) return '';
  const local = envelopeRecipient.slice(0, at);
  for (const delimiter of VERP_DELIMITERS) {
    const start = local.indexOf(delimiter);
    if (start < 0) continue;
    const encoded = local.slice(start + 1);
    const eq = encoded.lastIndexOf('=');
    if (eq <= 0) continue;
    const candidate = `${encoded.slice(0, eq)}@${encoded.slice(eq + 1)}`;
    if (isEnvelopeAddress(candidate)) return candidate.toLowerCase();
  }
  return '';
}

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** Fills an event's empty recipient (from the VERP address) and empty sender (the envelope recipient itself). */
export function withEnvelope(
  result: StepResult,
  envelopeRecipient: string | undefined,
  hashLocal: boolean,
): StepResult {
  if (result.kind !== 'ok' || !envelopeRecipient || !isEnvelopeAddress(envelopeRecipient)) return result;
  const original = verpRecipient(envelopeRecipient);
  let changed = false;
  const events = result.events.map((e): BounceEvent => {
    const fill: Partial<BounceEvent> = {};
    if (!e.recipient && original) {
      fill.recipient = hashLocal ? hashLocalPart(original) : original;
      fill.recipient_domain = domainOf(original);
    }
    if (!e.sender) {
      fill.sender = envelopeRecipient;
      fill.sender_domain = domainOf(envelopeRecipient);
    }
    if (Object.keys(fill).length === 0) return e;
    changed = true;
    return { ...e, ...fill };
  });
  return changed ? { ...result, events } : result;
}

// RawRecord → StepResult: the only place that knows the step order. Steps return results, never throw for a record.
import type { BounceEvent, TransformOptions, TransformResult } from '../transform/bounce-event.ts';
import { toBounceEvents } from '../transform/bounce-event.ts';
import type { Stage } from '../shared/errors.ts';
import type { RawRecord } from './sources/raw-record.ts';
import { withEnvelope } from './envelope.ts';

export type StepResult =
  | { kind: 'ok'; events: BounceEvent[]; mtaKind: string }
  | { kind: 'skip'; reason: string; detail: string }
  | { kind: 'dlq'; reason: string; stage: Stage; error: string };

export type Step = (record: RawRecord) => Promise<StepResult | null>;
export type Pipeline = (record: RawRecord) => Promise<StepResult>;
export type Transform = typeof toBounceEvents;

export interface PipelineOptions extends TransformOptions {
  /** the store's TTL: events older than this would vanish at insert, so they are skipped and counted instead. */
  retentionDays?: number;
  now?: () => Date;
}

/** Bytes → events through transform/. A throw there is a bug, but still a per-record outcome: dead-letter it. */
export function createTransformStep(options: TransformOptions, transform: Transform = toBounceEvents): Step {
  return async function transformRecord(record) {
    let result: TransformResult;
    try {
      result = await transform(
        record.bytes,
        { receivedAt: record.receivedAt, kafkaPartition: record.partition, kafkaOffset: record.offset },
        options,
      );
    } catch (err) {
      return { kind: 'dlq', reason: 'transform_crashed', stage: 'parse', error: errorText(err) };
    }
    if (result.kind === 'dlq') return { kind: 'dlq', reason: result.reason, stage: 'parse', error: result.error };
    if (result.kind === 'skip') return result;
    // A report with no failed or delayed recipient stores nothing; count it as a skip so the accounting adds up.
    if (result.events.length === 0)
      return { kind: 'skip', reason: 'no_failed_recipients', detail: `mta ${result.mtaKind}` };
    return result;
  };
}

/** Keeps events the store's TTL would expire at insert out of it, with a reason, instead of losing them silently. */
export function withinRetention(result: StepResult, retentionDays: number | undefined, now: Date): StepResult {
  if (result.kind !== 'ok' || retentionDays === undefined) return result;
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
  const kept = result.events.filter((e) => e.bounced_at >= cutoff);
  if (kept.length === result.events.length) return result;
  if (kept.length > 0) return { ...result, events: kept };
  return {
    kind: 'skip',
    reason: 'older_than_retention',
    detail: `bounced before ${cutoff} UTC, outside BOUNCE_RETENTION_DAYS=${retentionDays}`,
  };
}

/** Runs the steps in order; the first one that returns a result decides. */
export function createPipeline(options: PipelineOptions, transform?: Transform): Pipeline {
  // Size caps and blank records are transform's own dlq results (message_too_large, empty_message).
  const steps: Step[] = [createTransformStep(options, transform)];
  return async function pipeline(record) {
    for (const step of steps) {
      const result = await step(record);
      if (!result) continue;
      const filled = withEnvelope(result, record.envelopeRecipient, options.hashLocalPart ?? false);
      return withinRetention(filled, options.retentionDays, options.now?.() ?? new Date());
    }
    return { kind: 'dlq', reason: 'no_step_decided', stage: 'parse', error: 'no pipeline step produced a result' };
  };
}

export function errorText(err: unknown, max = 500): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

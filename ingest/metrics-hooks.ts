// Wrappers that feed the metrics from the run's own parts (insert, sink, pipeline) without those parts knowing.
// A null Metrics (metrics off) returns the part unchanged.
import { StoreWriteError } from '../shared/errors.ts';
import type { Metrics } from './metrics.ts';
import type { Pipeline } from './pipeline.ts';
import type { InsertFn, Sink } from './sink.ts';

/** Each insert attempt: its duration; on success the events by provider and category, on failure the error. */
export function instrumentInsert(metrics: Metrics | null, insert: InsertFn): InsertFn {
  if (!metrics) return insert;
  return async (events, token, options) => {
    const end = metrics.insertSeconds.startTimer();
    try {
      await insert(events, token, options); // options (replay) must reach insertEvents
      metrics.observeEvents(events);
    } catch (err) {
      metrics.insertErrors.inc({ retriable: String(!(err instanceof StoreWriteError) || err.retriable) });
      throw err;
    } finally {
      end();
    }
  };
}

/** Each stored batch: its size and the time to store it (retries and dead letters included). */
export function instrumentSink(metrics: Metrics | null, sink: Sink): Sink {
  if (!metrics) return sink;
  return {
    async write(batch, token, options) {
      const end = metrics.batchSeconds.startTimer();
      const tally = await sink.write(batch, token, options); // options (abandon, replay) must reach the sink
      end();
      metrics.batchRecords.observe(batch.length);
      return tally;
    },
  };
}

export function instrumentPipeline(metrics: Metrics | null, pipeline: Pipeline): Pipeline {
  return metrics ? metrics.timed(metrics.parseSeconds, pipeline) : pipeline;
}

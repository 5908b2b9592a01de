// The ingest layer's own configuration (batching, progress lines, metrics, workers). cli/config.ts fills it
// and composes it with the options of the layers ingest drives (kafka, store, transform).
export interface SinkOptions {
  maxBatchRows: number;
  flushIntervalMs: number;
}

export interface IngestOptions {
  sink: SinkOptions;
  logEveryRecords: number;
  logEverySeconds: number;
  /** BOUNCE_METRICS_PORT: Prometheus /metrics, /healthz, /readyz (null = off, 0 = any free port) */
  metrics: { port: number | null; host: string };
  /** BOUNCE_TRANSFORM_WORKERS: worker threads that run the transform (0 = on the main thread) */
  transformWorkers: number;
}

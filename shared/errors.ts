// Typed errors shared by every layer (read, parse, classify, store, config). Per-record problems are
// TransformResult values; these are for code that must throw.
export type Stage = 'read' | 'parse' | 'classify' | 'store' | 'config';

export class BouncePipelineError extends Error {
  readonly stage: Stage;
  readonly retriable: boolean;
  constructor(message: string, options: { stage: Stage; retriable?: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.stage = options.stage;
    this.retriable = options.retriable ?? false;
  }
}

/** Bad configuration: the message names the variable or flag and what to do. */
export class ConfigError extends BouncePipelineError {
  constructor(message: string) {
    super(message, { stage: 'config' });
  }
}

/** The store refused or failed a write; `retriable` says whether trying again can help. */
export class StoreWriteError extends BouncePipelineError {
  constructor(message: string, retriable: boolean, cause?: unknown) {
    super(message, { stage: 'store', retriable, cause });
  }
}

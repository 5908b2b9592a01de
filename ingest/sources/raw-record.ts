// One raw bounce as a source hands it to the pipeline: the bytes, untouched, and where they came from.
export interface RawRecord {
  bytes: Buffer;
  /** file path as given (mbox messages: `path#n`, 1-based) or `topic/partition/offset`. */
  source: string;
  receivedAt: Date;
  partition?: number;
  offset?: number;
  /** Kafka only: the topic and record key, kept so a dead letter can carry them on. */
  topic?: string;
  key?: Buffer | null;
  /** the address the MTA delivered the bounce to (record header envelope-recipient), when the producer knew it */
  envelopeRecipient?: string;
}

/** A source that could not be read at all (missing path, permission denied ...). */
export interface SourceError {
  source: string;
  error: string;
}

export type SourceItem = ({ kind: 'record' } & RawRecord) | ({ kind: 'error' } & SourceError);

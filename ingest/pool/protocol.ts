// Messages between the transform pool and its workers. Bytes travel as a transferred ArrayBuffer (one copy).
import type { RecordOrigin, TransformResult } from '../../transform/bounce-event.ts';

export interface WorkerTask {
  id: number;
  bytes: ArrayBuffer;
  origin: RecordOrigin;
}

export type WorkerReply = { id: number; result: TransformResult } | { id: number; error: string };

// Messages between the transform pool and its workers. A message carries several records: their bytes side by side in
// one transferred ArrayBuffer (one copy, one allocation), each record an offset and a length in it.
import type { RecordOrigin, TransformResult } from '../../transform/bounce-event.ts';

export interface WorkerTask {
  bytes: ArrayBuffer;
  records: { id: number; offset: number; length: number; origin: RecordOrigin }[];
}

export type WorkerReply = { id: number; result: TransformResult } | { id: number; error: string };

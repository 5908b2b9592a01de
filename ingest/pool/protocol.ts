// Messages between the transform pool and its workers. A message carries several records: their bytes side by side in
// one transferred ArrayBuffer (one copy, one allocation), each record an offset and a length in it; or parse jobs
// (parse-job.ts), which name their files or carry their own bytes.
import type { RecordOrigin, TransformResult } from '../../transform/bounce-event.ts';
import type { ParseJob, ParseJobResult } from './parse-job.ts';

export interface WorkerTask {
  bytes: ArrayBuffer;
  records: ({ id: number; offset: number; length: number; origin: RecordOrigin } | { id: number; job: ParseJob })[];
}

export type WorkerReply =
  { id: number; result: TransformResult } | { id: number; parsed: ParseJobResult } | { id: number; error: string };

// Runs inside a transform worker thread: { id, bytes } → { id, result } with the transform's own options.
import { parentPort, workerData } from 'node:worker_threads';
import { toBounceEventsSync } from '../../transform/bounce-event.ts';
import type { TransformOptions } from '../../transform/bounce-event.ts';
import type { WorkerReply, WorkerTask } from './protocol.ts';

const { options, crashMarker } = workerData as { options: TransformOptions; crashMarker?: string };
const marker = crashMarker ? Buffer.from(crashMarker) : null;

parentPort!.on('message', (task: WorkerTask) => {
  const replies: WorkerReply[] = [];
  for (const t of task.records) {
    const bytes = Buffer.from(task.bytes, t.offset, t.length);
    // Fault injection for tests: a worker that dies mid-chunk, like one killed by OOM or a native crash.
    if (marker && bytes.includes(marker)) process.exit(70);
    try {
      replies.push({ id: t.id, result: toBounceEventsSync(bytes, t.origin, options) });
    } catch (err) {
      replies.push({ id: t.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  }
  parentPort!.postMessage(replies);
});
parentPort!.postMessage('ready');

// Runs inside a transform worker thread: { id, bytes } → { id, result } with the transform's own options, and the
// parse command's jobs (parse-job.ts) → { id, parsed }.
import { parentPort, workerData } from 'node:worker_threads';
import { toBounceEventsSync } from '../../transform/bounce-event.ts';
import type { TransformOptions } from '../../transform/bounce-event.ts';
import { transferables } from './parse-job.ts';
import { runParseJob } from './run-parse-job.ts';
import type { WorkerReply, WorkerTask } from './protocol.ts';

const { options, crashMarker } = workerData as { options: TransformOptions; crashMarker?: string };
const marker = crashMarker ? Buffer.from(crashMarker) : null;
// Fault injection for tests: a worker that dies mid-chunk, like one killed by OOM or a native crash.
const inspect = marker
  ? (bytes: Buffer) => {
      if (bytes.includes(marker)) process.exit(70);
    }
  : undefined;

/** A throw is a bug in the parser, but still this record's outcome: it goes back as an error. */
function attempt(id: number, run: () => WorkerReply): WorkerReply {
  try {
    return run();
  } catch (err) {
    return { id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

parentPort!.on('message', (task: WorkerTask) => {
  const replies: WorkerReply[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const t of task.records) {
    if ('job' in t) {
      replies.push(
        attempt(t.id, () => {
          const parsed = runParseJob(t.job, options, { inspect });
          transfer.push(...transferables(parsed));
          return { id: t.id, parsed };
        }),
      );
      continue;
    }
    const bytes = Buffer.from(task.bytes, t.offset, t.length);
    inspect?.(bytes);
    replies.push(attempt(t.id, () => ({ id: t.id, result: toBounceEventsSync(bytes, t.origin, options) })));
  }
  parentPort!.postMessage(replies, transfer);
});
parentPort!.postMessage('ready');

// A pool of worker threads running toBounceEvents. `transform` has toBounceEvents' signature, so the pipeline and
// the delivery logic do not change; callers get parallelism by starting several records before awaiting them
// (results are awaited per record, so order is the caller's). A crashed worker loses nothing: its in-flight
// records are retried one by one in a fresh worker; a record that kills a worker on its own is rejected, and
// the pipeline dead-letters it as transform_crashed.
import { Worker } from 'node:worker_threads';
import type { RecordOrigin, TransformOptions, TransformResult } from '../../transform/bounce-event.ts';
import type { Log } from '../kafka-client.ts';
import type { WorkerReply, WorkerTask } from './protocol.ts';

export interface TransformPoolOptions {
  size: number;
  options: TransformOptions;
  log?: Log;
  /** tests only: a worker exits (as if it crashed) when a record contains this text */
  crashMarker?: string;
  /** records per message to a worker, and records a worker holds at once */
  perMessage?: number;
  maxInFlight?: number;
}

export interface TransformPool {
  readonly size: number;
  transform: (raw: Buffer, origin: RecordOrigin, options?: TransformOptions) => Promise<TransformResult>;
  /** how many records callers should start ahead to keep every worker busy */
  readonly window: number;
  readonly crashes: number;
  /** resolves once every worker has started (or the pool fell back to this thread) */
  ready(): Promise<void>;
  /** waits for queued records, then stops the workers */
  close(): Promise<void>;
}

export class TransformCrashedError extends Error {
  override name = 'TransformCrashedError';
}

interface Task {
  id: number;
  raw: Buffer;
  origin: RecordOrigin;
  crashes: number;
  resolve: (r: TransformResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  solo: boolean;
  inFlight: Map<number, Task>;
}

const WORKER_URL = new URL('./worker.mjs', import.meta.url);
const MAX_START_FAILURES = 3;

export function createTransformPool(o: TransformPoolOptions): TransformPool {
  const perMessage = o.perMessage ?? 16;
  // Enough queued in each worker to keep it busy while the main thread is held up (a store insert, a fetch).
  const maxInFlight = o.maxInFlight ?? 8 * perMessage;
  const log = o.log ?? (() => undefined);
  const queue: Task[] = [];
  const slots = new Set<Slot>();
  let nextId = 0;
  let crashes = 0;
  let startFailures = 0;
  let broken = false; // workers cannot even start: run everything on this thread
  let closing = false;
  let scheduled = false;
  let idle: (() => void) | null = null;
  const readyWaiters: (() => void)[] = [];
  let closed: Promise<void> | undefined;

  const pending = () => queue.length + [...slots].reduce((n, s) => n + s.inFlight.size, 0);

  function spawn(): void {
    const worker = new Worker(WORKER_URL, { workerData: { options: o.options, crashMarker: o.crashMarker } });
    const slot: Slot = { worker, ready: false, solo: false, inFlight: new Map() };
    slots.add(slot);
    worker.on('message', (msg: 'ready' | WorkerReply[]) => {
      if (msg === 'ready') {
        slot.ready = true;
        startFailures = 0;
        settleReady();
        schedule();
        return;
      }
      for (const r of msg) {
        const task = slot.inFlight.get(r.id);
        if (!task) continue;
        slot.inFlight.delete(r.id);
        if ('error' in r) task.reject(new Error(r.error));
        else task.resolve(r.result);
      }
      slot.solo = false;
      schedule();
      settleIdle();
    });
    worker.on('error', (err) =>
      log(`transform_pool.worker_error thread=${worker.threadId} error=${JSON.stringify(String(err))}`),
    );
    worker.on('exit', (code) => {
      slots.delete(slot);
      if (closing && slot.inFlight.size === 0) return;
      crashes++;
      if (!slot.ready && ++startFailures >= MAX_START_FAILURES) broken = true;
      log(
        `transform_pool.worker_exited thread=${worker.threadId} code=${code} in_flight=${slot.inFlight.size}${broken ? ' fallback=in-thread' : ''}`,
      );
      for (const task of slot.inFlight.values()) {
        task.crashes++;
        // Alone in a worker and it still died: this record is the cause. Otherwise retry it alone.
        if (slot.solo)
          task.reject(new TransformCrashedError(`a transform worker exited (code ${code}) on this record`));
        else queue.unshift(task);
      }
      slot.inFlight.clear();
      if (!broken) spawn();
      settleReady();
      schedule();
      settleIdle();
    });
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(dispatch); // records submitted in the same tick go out in one message
  }

  function dispatch(): void {
    scheduled = false;
    if (broken) {
      const tasks = queue.splice(0);
      // The parser is loaded on this thread only for this fallback (it is the workers' job otherwise).
      void import('../../transform/bounce-event.ts')
        .then(({ toBounceEvents }) => {
          for (const task of tasks) toBounceEvents(task.raw, task.origin, o.options).then(task.resolve, task.reject);
        })
        .then(settleIdle, (err: unknown) => {
          for (const task of tasks) task.reject(err instanceof Error ? err : new Error(String(err)));
          settleIdle();
        });
      return;
    }
    // Each message goes to the worker with the fewest records in hand, so a queue that fills slowly (the reader is
    // the bottleneck) spreads over every worker instead of keeping the first one busy and the others idle.
    while (queue.length > 0) {
      if (queue[0].crashes > 0) {
        const empty = [...slots].find((s) => s.ready && !s.solo && s.inFlight.size === 0);
        if (!empty) return;
        empty.solo = true;
        send(empty, [queue.shift()!]);
        continue;
      }
      let slot: Slot | null = null;
      for (const s of slots) {
        if (!s.ready || s.solo || s.inFlight.size >= maxInFlight) continue;
        if (!slot || s.inFlight.size < slot.inFlight.size) slot = s;
      }
      if (!slot) return;
      const room = Math.min(perMessage, maxInFlight - slot.inFlight.size);
      const batch: Task[] = [];
      while (batch.length < room && queue.length > 0 && queue[0].crashes === 0) batch.push(queue.shift()!);
      send(slot, batch);
    }
  }

  function send(slot: Slot, tasks: Task[]): void {
    // Copy the records' bytes into one buffer of their own and transfer it: sources hand out views of larger
    // buffers (a Kafka fetch, a slab of files), which structured clone would copy whole. One allocation per
    // message rather than per record.
    let total = 0;
    for (const t of tasks) total += t.raw.length;
    const bytes = Buffer.allocUnsafeSlow(total);
    const records: WorkerTask['records'] = [];
    let offset = 0;
    for (const t of tasks) {
      slot.inFlight.set(t.id, t);
      t.raw.copy(bytes, offset);
      records.push({ id: t.id, offset, length: t.raw.length, origin: t.origin });
      offset += t.raw.length;
    }
    const msg: WorkerTask = { bytes: bytes.buffer, records };
    slot.worker.postMessage(msg, [msg.bytes]);
  }

  function allReady(): boolean {
    return broken || closing || (slots.size > 0 && [...slots].every((s) => s.ready));
  }

  function settleReady(): void {
    if (!allReady()) return;
    for (const w of readyWaiters.splice(0)) w();
  }

  function settleIdle(): void {
    if (idle && pending() === 0) {
      idle();
      idle = null;
    }
  }

  for (let i = 0; i < o.size; i++) spawn();

  return {
    size: o.size,
    window: o.size * maxInFlight,
    get crashes() {
      return crashes;
    },
    ready() {
      return allReady()
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            readyWaiters.push(resolve);
          });
    },
    transform(raw, origin) {
      if (closed) return Promise.reject(new Error('transform pool is closed'));
      return new Promise<TransformResult>((resolve, reject) => {
        queue.push({ id: nextId++, raw, origin, crashes: 0, resolve, reject });
        schedule();
      });
    },
    close() {
      closed ??= (async () => {
        if (pending() > 0)
          await new Promise<void>((r) => {
            idle = r;
          });
        closing = true;
        settleReady();
        await Promise.all([...slots].map((s) => s.worker.terminate()));
      })();
      return closed;
    },
  };
}

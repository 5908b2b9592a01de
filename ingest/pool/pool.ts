// A pool of worker threads running toBounceEvents. `transform` has toBounceEvents' signature, so the pipeline and
// the delivery logic do not change; callers get parallelism by starting several records before awaiting them
// (results are awaited per record, so order is the caller's). A crashed worker loses nothing: its in-flight
// records are retried one by one in a fresh worker; a record that kills a worker on its own is rejected, and
// the pipeline dead-letters it as transform_crashed.
import { Worker } from 'node:worker_threads';
import type { RecordOrigin, TransformOptions, TransformResult } from '../../transform/bounce-event.ts';
import type { Log } from '../kafka-client.ts';
import type { ParseJob, ParseJobResult } from './parse-job.ts';
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
  /** the `parse` command's work on a worker: files read, parsed and written as its output there (parse-job.ts) */
  parse: (job: ParseJob) => Promise<ParseJobResult>;
  /** how many records (or parse job inputs) callers should start ahead to keep every worker busy */
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

type Work = { raw: Buffer; origin: RecordOrigin } | { job: ParseJob };

interface Task {
  id: number;
  work: Work;
  /** records it holds: 1, or a parse job's inputs */
  weight: number;
  crashes: number;
  resolve: (r: TransformResult | ParseJobResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  solo: boolean;
  inFlight: Map<number, Task>;
  /** the weight of inFlight */
  held: number;
}

const WORKER_URL = new URL('./worker.mjs', import.meta.url);
const MAX_START_FAILURES = 3;

export function createTransformPool(o: TransformPoolOptions): TransformPool {
  const perMessage = o.perMessage ?? 16;
  // A parse job is sent whole even when it holds more records than that.
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
    const slot: Slot = { worker, ready: false, solo: false, inFlight: new Map(), held: 0 };
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
        slot.held -= task.weight;
        if ('error' in r) task.reject(new Error(r.error));
        else task.resolve('parsed' in r ? r.parsed : r.result);
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
      slot.held = 0;
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
      void Promise.all([import('../../transform/bounce-event.ts'), import('./run-parse-job.ts')])
        .then(([{ toBounceEventsSync }, { runParseJob }]) => {
          for (const task of tasks) {
            try {
              const w = task.work;
              task.resolve('job' in w ? runParseJob(w.job, o.options) : toBounceEventsSync(w.raw, w.origin, o.options));
            } catch (err) {
              task.reject(err instanceof Error ? err : new Error(String(err)));
            }
          }
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
        if (!s.ready || s.solo || s.held >= maxInFlight) continue;
        if (!slot || s.held < slot.held) slot = s;
      }
      if (!slot) return;
      const room = Math.min(perMessage, maxInFlight - slot.held);
      const batch: Task[] = [];
      let weight = 0;
      while (weight < room && queue.length > 0 && queue[0].crashes === 0) {
        weight += queue[0].weight;
        batch.push(queue.shift()!);
      }
      send(slot, batch);
    }
  }

  function send(slot: Slot, tasks: Task[]): void {
    // Copy the records' bytes into one buffer of their own and transfer it: sources hand out views of larger
    // buffers (a Kafka fetch, a slab of files), which structured clone would copy whole. One allocation per
    // message rather than per record.
    let total = 0;
    for (const t of tasks) if ('raw' in t.work) total += t.work.raw.length;
    const bytes = Buffer.allocUnsafeSlow(total);
    const records: WorkerTask['records'] = [];
    const transfer = [bytes.buffer];
    let offset = 0;
    for (const t of tasks) {
      slot.inFlight.set(t.id, t);
      slot.held += t.weight;
      const w = t.work;
      if ('job' in w) {
        // A retry after a crash needs the job's bytes again: a copy goes, the task keeps its own.
        const job = w.job.bytes ? { ...w.job, bytes: w.job.bytes.slice(0) } : w.job;
        if (job.bytes) transfer.push(job.bytes);
        records.push({ id: t.id, job });
        continue;
      }
      w.raw.copy(bytes, offset);
      records.push({ id: t.id, offset, length: w.raw.length, origin: w.origin });
      offset += w.raw.length;
    }
    const msg: WorkerTask = { bytes: bytes.buffer, records };
    slot.worker.postMessage(msg, transfer);
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

  function submit<R extends TransformResult | ParseJobResult>(work: Work, weight: number): Promise<R> {
    if (closed) return Promise.reject(new Error('transform pool is closed'));
    return new Promise<R>((resolve, reject) => {
      queue.push({ id: nextId++, work, weight, crashes: 0, resolve: resolve as Task['resolve'], reject });
      schedule();
    });
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
      return submit<TransformResult>({ raw, origin }, 1);
    },
    parse(job) {
      return submit<ParseJobResult>({ job }, job.inputs.length);
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

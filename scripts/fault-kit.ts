// Shared by the fault suite (test/integration/fault-*.test.ts) and the soak (scripts/soak.ts): a multi-year archive
// on disk, what `parse` finds in it, the CLI as a child process (produce, consume, parse), a SIGKILL loop, and what
// the embedded store holds. Everything runs the real CLI against the real broker and the real engine.
// FAULT_KIT_LOG=<file>: the kill loop and the drain append each child's log there (what a failed run replayed).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { testConfig } from '../cli/config.ts';
import { openStore } from '../queries/client.ts';
import { renderBounce } from '../test/helpers/kafka.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(REPO_ROOT, 'bin/bounce-pipeline.js');
export const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus/sisimai/maildir');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** RFC 5322 date of the 15th of month `m` (0-based, may exceed 11) after January of `year`. */
export function monthDate(year: number, m: number): string {
  const y = year + Math.floor(m / 12);
  return `Mon, 15 ${MONTHS[m % 12]} ${y} 10:00:00 +0000`;
}

const IPS = ['198.51.100.7', '198.51.100.8', '203.0.113.25', '192.0.2.44'];

/** One synthetic bounce per index, dated over `months` months from January of `fromYear` (a multi-year archive). */
export function syntheticBounce(seed: string, i: number, fromYear = 2008, months = 216): Buffer {
  return renderBounce({
    recipient: `${seed}-u${i}@hotmail.com`,
    ip: IPS[i % IPS.length],
    code: i % 4 === 3 ? 'S3140' : 'S3150',
    queueId: `Q${seed.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}${i}`,
    date: monthDate(fromYear, i % months),
  });
}

export interface ArchiveSpec {
  /** synthetic bounces spanning 2008-2025 */
  synthetic?: number;
  /** copies of the Sisimai corpus (bsd, err, not), each with distinct bytes (an X-Archive-Copy header) */
  corpusCopies?: number;
  /** bounces dated in this many different future months (one each) */
  futureMonths?: number;
  seed?: string;
}

/** Writes the archive as one file per message under `dir`; returns the number of files. */
export function writeArchive(dir: string, spec: ArchiveSpec): number {
  const seed = spec.seed ?? 'arch';
  let files = 0;
  const put = (rel: string, bytes: Buffer) => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
    files++;
  };
  for (let i = 0; i < (spec.synthetic ?? 0); i++)
    put(`synthetic/${Math.floor(i / 1000)}/${i}.eml`, syntheticBounce(seed, i));
  for (let c = 0; c < (spec.corpusCopies ?? 0); c++) {
    for (const sub of ['bsd', 'err', 'not']) {
      const from = path.join(CORPUS, sub);
      if (!fs.existsSync(from)) continue;
      for (const name of fs.readdirSync(from)) {
        put(
          `corpus-${c}/${sub}/${name}`,
          Buffer.concat([Buffer.from(`X-Archive-Copy: ${seed}-${c}\n`), fs.readFileSync(path.join(from, name))]),
        );
      }
    }
  }
  const now = new Date();
  for (let m = 0; m < (spec.futureMonths ?? 0); m++) {
    put(
      `future/${m}.eml`,
      renderBounce({
        recipient: `${seed}-future${m}@hotmail.com`,
        ip: IPS[m % IPS.length],
        code: 'S3150',
        queueId: `F${m}X${seed.toUpperCase()}`,
        date: monthDate(now.getUTCFullYear(), now.getUTCMonth() + 1 + m),
      }),
    );
  }
  return files;
}

export interface Child {
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  pid: number;
  stdout(): string;
  stderr(): string;
  kill(sig: NodeJS.Signals): void;
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
}

/** The CLI as a child process; stderr is kept (last 200 KB) for waitFor and for failure messages. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { stdoutTo?: string } = {},
): Child {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', opts.stdoutTo ? fs.openSync(opts.stdoutTo, 'w') : 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err = (err + d).slice(-200_000);
    for (const w of [...waiters])
      if (w.re.test(err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    exit,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    kill: (sig) => {
      child.kill(sig);
    },
    waitFor: (re, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(err)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${err.slice(-3000)}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exit.then(() => {
          clearTimeout(timer);
          reject(new Error(`exited before ${re}:\n${err.slice(-3000)}`));
        });
      }),
  };
}

/** The distinct event ids `parse` finds in `paths` (the CLI, as a postmaster would run it, with the consumer's caps in `env`). */
export async function parsedEventIds(paths: string[], env: Record<string, string> = {}): Promise<Set<string>> {
  const child = spawn(process.execPath, [CLI, 'parse', ...paths], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ids = new Set<string>();
  for await (const line of createInterface({ input: child.stdout })) {
    const m = /"event_id":"([0-9a-f]{32})"/.exec(line);
    if (m) ids.add(m[1]);
  }
  await new Promise((resolve) => child.on('close', resolve));
  return ids;
}

export interface StoreFigures {
  rows: number;
  ids: number;
  final: number;
  hourlyEvents: number;
  codeEvents: number;
  maxBouncedAt: string;
  adjusted: Record<string, number>;
}

/** What the embedded store in `dataDir` holds (open it only when no child has it). */
export async function storeFigures(
  dataDir: string,
  retentionDays = 29000,
): Promise<StoreFigures & { missing: (ids: Set<string>) => Promise<number> }> {
  const store = await openStore(testConfig({ store: { dataDir, retentionDays } }).store);
  const one = async <T>(query: string): Promise<T> =>
    (await (await store.client.query({ query, format: 'JSONEachRow' })).json<T>())[0];
  try {
    const raw = await one<{ rows: number; ids: number; max: string }>(
      'SELECT count() AS rows, uniqExact(event_id) AS ids, toString(max(bounced_at)) AS max FROM bounce_events',
    );
    const fin = await one<{ n: number }>('SELECT count() AS n FROM bounce_events FINAL');
    const hourly = await one<{ n: number }>('SELECT sum(bounces) AS n FROM bounce_hourly');
    const codes = await one<{ n: number }>('SELECT sum(n_events) AS n FROM code_hourly');
    const adj = await (
      await store.client.query({
        query: 'SELECT a, count() AS n FROM bounce_events ARRAY JOIN adjustments AS a GROUP BY a',
        format: 'JSONEachRow',
      })
    ).json<{ a: string; n: number }>();
    const ids = (
      await (
        await store.client.query({ query: 'SELECT DISTINCT event_id FROM bounce_events', format: 'JSONEachRow' })
      ).json<{ event_id: string }>()
    ).map((r) => r.event_id);
    const stored = new Set(ids);
    return {
      rows: Number(raw.rows),
      ids: Number(raw.ids),
      final: Number(fin.n),
      hourlyEvents: Number(hourly.n),
      codeEvents: Number(codes.n),
      maxBouncedAt: raw.max,
      adjusted: Object.fromEntries(adj.map((r) => [r.a, Number(r.n)])),
      missing: async (want: Set<string>) => [...want].filter((id) => !stored.has(id)).length,
    };
  } finally {
    await store.close();
  }
}

/** Consumer env for a child: its own group, topic, store, small batches so kills land mid-stream. */
export function consumerEnv(o: {
  brokers: string;
  topic: string;
  group: string;
  dataDir: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    KAFKA_BROKERS: o.brokers,
    KAFKA_TOPIC: o.topic,
    KAFKA_DLQ_TOPIC: `${o.topic}-dlq`,
    KAFKA_GROUP: o.group,
    BOUNCE_DATA_DIR: o.dataDir,
    BOUNCE_RETENTION_DAYS: '29000',
    BOUNCE_BATCH_ROWS: '200',
    BOUNCE_FLUSH_INTERVAL_MS: '300',
    BOUNCE_LOG_EVERY_RECORDS: '500',
    BOUNCE_LOG_EVERY_SECONDS: '2',
    CLICKHOUSE_URL: '',
    ...o.extra,
  };
}

export interface KillLoopResult {
  kills: number;
}

/** With FAULT_KIT_LOG=<file>, a child's log is appended there under a heading. */
function keepLog(heading: string, text: string): void {
  if (process.env.FAULT_KIT_LOG) fs.appendFileSync(process.env.FAULT_KIT_LOG, `=== ${heading}\n${text}\n`);
}

/**
 * Starts `consume`, SIGKILLs it at a random moment once it has stored something, `kills` times (a kill before the
 * group even assigned it partitions would test little); returns how many kills landed.
 */
export async function killLoop(
  env: Record<string, string>,
  kills: number,
  o: { minMs: number; maxMs: number; log?: (s: string) => void },
): Promise<KillLoopResult> {
  let landed = 0;
  for (let k = 0; k < kills; k++) {
    const child = runCli(['consume'], env);
    // once it stored something, or reached the end of the topic (a kill at rest counts too)
    await child.waitFor(/consume\.progress read=[1-9]|lag=0 /, 180_000);
    await new Promise((r) => setTimeout(r, o.minMs + Math.random() * (o.maxMs - o.minMs)));
    child.kill('SIGKILL');
    const { signal } = await child.exit;
    if (signal === 'SIGKILL') landed++;
    keepLog(`kill ${k + 1}`, child.stderr());
    o.log?.(
      `kill ${k + 1}/${kills}: ${signal ?? 'exited before the kill'}; last line: ${child.stderr().trim().split('\n').pop()?.slice(0, 200)}`,
    );
  }
  return { kills: landed };
}

/** Starts `consume --idle-exit-ms` and waits for it to drain the topic and exit. */
export async function drain(env: Record<string, string>, idleMs = 4000): Promise<Child> {
  const child = runCli(['consume', '--idle-exit-ms', String(idleMs)], env);
  await child.exit;
  keepLog('drain', `${child.stderr()}\n${child.stdout()}`);
  return child;
}

/** Produces every file under `dir` to the topic with the CLI. */
export async function produceDir(dir: string, env: Record<string, string>): Promise<void> {
  const child = runCli(['produce', dir], env);
  const { code } = await child.exit;
  if (code !== 0) throw new Error(`produce failed (${code}):\n${child.stderr().slice(-3000)}`);
}

/** The local broker script with its own port and dir (never the shared broker's). */
export async function kafkaLocal(cmd: 'start' | 'stop' | 'reset', port: number): Promise<void> {
  const child = spawn('bash', [path.join(REPO_ROOT, 'scripts/kafka-local.sh'), cmd], {
    cwd: REPO_ROOT,
    env: { ...process.env, KAFKA_PORT: String(port), KAFKA_DIR: path.join(REPO_ROOT, `.kafka/port-${port}`) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`kafka-local.sh ${cmd} on ${port} failed (${code})`);
}

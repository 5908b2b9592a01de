// npm run fuzz -- [--n 100000] [--seed N] [--from I] [--bound-ms 50] [--top 10] [--save DIR] [--no-corpus] [--trace]
// (--from: first input index, so one seeded run can be split over several processes)
// Feeds mutated bounces and generated hostile shapes to toBounceEventsSync and checks each one: no throw, no
// parse_failed, only valid fields, and within the time bound (--trace names each input before it runs, to find a hang). Prints the slowest inputs and a summary line.
// Exit status 1 when any input failed a check. A slow input is timed again (best of 3) before it counts as over
// the bound, so a GC pause or a neighbour on the machine does not count as the parser's fault.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toBounceEventsSync, type TransformResult } from '../transform/bounce-event.ts';
import { loadBases } from './fuzz/bases.ts';
import { checkResult } from './fuzz/check.ts';
import { makeInput } from './fuzz/mutate.ts';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}
const n = Number(flag('n', '10000'));
const from = Number(flag('from', '0'));
const seed = Number(flag('seed', String(Date.now() % 1e9)));
const boundMs = Number(flag('bound-ms', '50'));
const top = Number(flag('top', '10'));
const saveDir = flag('save', '');
const trace = process.argv.includes('--trace');
const bases = loadBases(!process.argv.includes('--no-corpus'));

const origin = { receivedAt: new Date('2026-01-01T00:00:00Z') };
const options = { maxMessageBytes: 10 << 20 };
const run = (bytes: Buffer) => (): TransformResult => toBounceEventsSync(bytes, origin, options);

function timeOnce(bytes: Buffer): number {
  const t = process.hrtime.bigint();
  try {
    toBounceEventsSync(bytes, origin, options);
  } catch {
    /* counted by checkResult */
  }
  return Number(process.hrtime.bigint() - t) / 1e6;
}

interface Slow {
  index: number;
  ms: number;
  kind: string;
  base: string;
  bytes: number;
}
const slowest: Slow[] = [];
const failures = { throw: 0, parse_failed: 0, malformed: 0 };
const failed: string[] = [];
const outcomes = new Map<string, number>();
let overBound = 0;
let totalMs = 0;
let totalBytes = 0;
const started = Date.now();
process.stdout.write(
  `fuzz: ${n} inputs (#${from}-#${from + n - 1}), seed ${seed}, ${bases.length} base messages, bound ${boundMs} ms\n`,
);

let done = 0;
// Ctrl-C / SIGTERM: the summary of what ran so far, then stop
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    summarise(done);
    process.exit(130);
  });
}
for (let i = from; i < from + n; i++, done++) {
  if (done % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // lets a signal in
  const input = makeInput(bases, seed, i);
  totalBytes += input.bytes.length;
  if (trace) process.stderr.write(`#${i} ${input.kind} ${input.base} ${input.bytes.length} B\n`);
  let result: TransformResult | undefined;
  const t = process.hrtime.bigint();
  const verdict = checkResult(() => (result = run(input.bytes)()));
  let ms = Number(process.hrtime.bigint() - t) / 1e6;
  totalMs += ms;
  if (ms > boundMs) ms = Math.min(ms, timeOnce(input.bytes), timeOnce(input.bytes));
  if (ms > boundMs) overBound++;
  const key = result ? (result.kind === 'ok' ? 'ok' : `${result.kind}:${result.reason}`) : 'threw';
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  if (!verdict.ok) {
    failures[verdict.kind]++;
    if (failed.length < 20)
      failed.push(
        `#${i} ${input.kind} ${input.base} (${input.bytes.length} B): ${verdict.kind}: ${verdict.detail.slice(0, 300)}`,
      );
  }
  if ((!verdict.ok || ms > boundMs) && saveDir) {
    mkdirSync(saveDir, { recursive: true });
    writeFileSync(path.join(saveDir, `seed${seed}-${i}.eml`), input.bytes);
  }
  if (slowest.length < top || ms > slowest[slowest.length - 1].ms) {
    slowest.push({ index: i, ms, kind: input.kind, base: input.base, bytes: input.bytes.length });
    slowest.sort((a, b) => b.ms - a.ms);
    if (slowest.length > top) slowest.pop();
  }
  if ((i + 1 - from) % 10000 === 0)
    process.stderr.write(`  ${i + 1 - from}/${n} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

summarise(n);
process.exit(failures.throw + failures.parse_failed + failures.malformed + overBound > 0 ? 1 : 0);

function summarise(done: number): void {
  process.stdout.write(
    `\nslowest inputs (rebuild one with --seed ${seed} and its index; --save DIR writes failing ones):\n`,
  );
  for (const s of slowest)
    process.stdout.write(`  ${s.ms.toFixed(1).padStart(7)} ms  #${s.index}  ${s.bytes} B  ${s.kind}  ${s.base}\n`);
  if (failed.length)
    process.stdout.write(`\nfailures (first ${failed.length}):\n${failed.map((f) => `  ${f}`).join('\n')}\n`);
  const results = [...outcomes]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stdout.write(`\nresults: ${results}\n`);
  process.stdout.write(
    `fuzz: ${done} inputs${done < n ? ` of ${n} (stopped)` : ''} (seed ${seed}, #${from}-#${from + done - 1}), ${failures.throw} throws, ${failures.parse_failed} parse_failed, ${failures.malformed} malformed, ` +
      `${overBound} over ${boundMs} ms; slowest ${slowest[0]?.ms.toFixed(1) ?? 0} ms, mean ${(totalMs / Math.max(done, 1)).toFixed(2)} ms, ` +
      `${(totalBytes / 1048576).toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

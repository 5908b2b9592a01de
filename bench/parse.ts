// npm run bench:parse [-- DIR] [--rounds N]: messages/s and MB/s of toBounceEvents over a folder, with
// mailparser's simpleParser alone on the same bytes in the same run as the reference. Figures, no assertions.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { toBounceEvents } from '../transform/bounce-event.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt === -1 ? 10 : Number(args.splice(roundsAt, 2)[1]);
/** Passes before timing: V8 needs a few to optimise the hot functions and tier up the regexes. */
const WARM_UP_PASSES = 3;
const dir = path.resolve(args[0] ?? path.join(repoRoot, '../shared/corpus/sisimai/maildir/bsd'));

async function loadFiles(): Promise<Buffer[]> {
  const names = (await fs.readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  const out: Buffer[] = [];
  for (const n of names) {
    const p = path.join(dir, n);
    if ((await fs.stat(p)).isFile()) out.push(await fs.readFile(p));
  }
  if (out.length === 0) throw new Error(`no files in ${dir}: pass a folder of .eml files (npm run bench:parse -- DIR)`);
  return out;
}

type Parse = (b: Buffer) => Promise<unknown>;

/** Rounds alternate between the parsers, so a change in machine load shows in both figures alike. */
async function timeAlternating(runs: ReadonlyArray<[string, Parse]>, files: Buffer[]): Promise<number[][]> {
  const ms = runs.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, [, fn]] of runs.entries()) {
      const start = process.hrtime.bigint();
      for (const f of files) await fn(f);
      ms[i].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  for (const [i, [label]] of runs.entries())
    process.stdout.write(`${label.padEnd(30)} ${ms[i].map((m) => m.toFixed(0)).join(' ')} ms per round\n`);
  return ms;
}

function stats(ms: number[], files: Buffer[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const bytes = files.reduce((n, f) => n + f.length, 0);
  const best = sorted[0];
  const median = sorted[Math.floor(sorted.length / 2)];
  return {
    best,
    median,
    msgsPerSec: (files.length / median) * 1000,
    mbPerSec: (bytes / 1048576 / median) * 1000,
    bestMsgsPerSec: (files.length / best) * 1000,
  };
}

const files = await loadFiles();
const totalMb = files.reduce((n, f) => n + f.length, 0) / 1048576;
process.stdout.write(
  `bench:parse over ${files.length} files (${totalMb.toFixed(2)} MB) in ${dir}, ${rounds} alternating rounds after ${WARM_UP_PASSES} warm-up passes\n`,
);
const origin = { receivedAt: new Date(0) };
const options = { maxMessageBytes: 64 << 20 };
let events = 0;
// warm-up: JIT, regex compilation and tier-up, TextDecoder caches
for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
  for (const f of files) {
    const r = await toBounceEvents(f, origin, options);
    if (pass === 0 && r.kind === 'ok') events += r.events.length;
    await simpleParser(f, { keepDeliveryStatus: true });
  }
}
const [oursMs, refMs] = await timeAlternating(
  [
    ['toBounceEvents', (f) => toBounceEvents(f, origin, options)],
    ['mailparser simpleParser', (f) => simpleParser(f, { keepDeliveryStatus: true })],
  ],
  files,
);
const ours = stats(oursMs, files);
const ref = stats(refMs, files);
const line = (name: string, s: ReturnType<typeof stats>) =>
  `${name.padEnd(30)} median ${s.median.toFixed(0).padStart(6)} ms  ${s.msgsPerSec.toFixed(0).padStart(7)} msg/s  ${s.mbPerSec.toFixed(1).padStart(6)} MB/s  (best ${s.bestMsgsPerSec.toFixed(0)} msg/s)`;
process.stdout.write(`\n${line('toBounceEvents', ours)}\n${line('simpleParser (reference)', ref)}\n`);
process.stdout.write(
  `ratio: toBounceEvents is ${(ours.msgsPerSec / ref.msgsPerSec).toFixed(2)}x simpleParser's message rate (>1 = faster); ${events} events per pass\n`,
);
/** Issue 10's target for one core; printed so a run says where it stands. */
const TARGET_MSGS_PER_SEC = 25_000;
process.stdout.write(
  `target: ${TARGET_MSGS_PER_SEC} msg/s on one core: ${ours.msgsPerSec >= TARGET_MSGS_PER_SEC ? 'met' : `not met (${((ours.msgsPerSec / TARGET_MSGS_PER_SEC) * 100).toFixed(0)}% of it)`}\n`,
);

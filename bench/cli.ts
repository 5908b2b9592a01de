// npm run bench:cli [-- --copies 20] [--rounds 3] [--workers N]: whole-process throughput of `bounce-pipeline parse`
// and `ingest --from` over a folder of corpus copies (distinct bytes each: an X-Bench-Copy header line), output to
// a file so JSON writing is counted; Sisimai (Perl, Debian's libsisimai-perl) over the same folder in the same run
// as the reference. Rounds alternate the commands; figures are medians of wall-clock time, with the CPU time
// (user + system) each process took and the load average, since other work on the machine moves wall time.
// The CLI runs as installed: from its bundle (bin/build.mjs, built by npm install), which is built before the first
// round, so no round pays a compile. No assertions.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
};
const copies = Number(opt('copies', '20'));
const rounds = Number(opt('rounds', '3'));
const workers = opt('workers', '');
const corpus = path.resolve(opt('dir', path.join(repoRoot, '../shared/corpus/sisimai/maildir/bsd')));

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
const folder = path.join(tmp, 'mail');
mkdirSync(folder);
const originals = readdirSync(corpus)
  .filter((n) => !n.startsWith('.') && statSync(path.join(corpus, n)).isFile())
  .sort();
let files = 0;
for (let c = 0; c < copies; c++) {
  for (const name of originals) {
    const bytes = readFileSync(path.join(corpus, name));
    writeFileSync(
      path.join(folder, `${String(c).padStart(3, '0')}-${name}`),
      Buffer.concat([Buffer.from(`X-Bench-Copy: ${c}\n`), bytes]),
    );
    files++;
  }
}
process.stdout.write(
  `bench:cli over ${files} files (${copies} copies of ${originals.length} in ${corpus}), ${rounds} rounds, ${os.cpus().length} cores\n`,
);

const hasSisimai = spawnSync('perl', ['-MSisimai', '-e1']).status === 0;
const bin = path.join(repoRoot, 'bin/bounce-pipeline.js');
const built = spawnSync(process.execPath, [path.join(repoRoot, 'bin/build.mjs')], { encoding: 'utf8' });
process.stdout.write(
  built.status === 0
    ? `CLI bundle: ${built.stdout.trim()}\n`
    : `CLI bundle could not be built (the CLI runs through tsx): ${built.stderr.trim().split('\n').pop()}\n`,
);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
process.stdout.write(`load average before: ${load()}\n`);

/** CPU seconds (user + system) of the children this process has waited for: /proc/self/stat cutime + cstime. */
function childCpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of proc(5), in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}
const env: NodeJS.ProcessEnv = { ...process.env, ...(workers ? { BOUNCE_TRANSFORM_WORKERS: workers } : {}) };
delete env.CLICKHOUSE_URL;

interface Run {
  ms: number;
  cpu: number | null;
  ok: boolean;
  note: string;
}
interface Cmd {
  name: string;
  run: (round: number) => Run;
}

function timed(command: string, argv: string[], outFile: string, extraEnv: NodeJS.ProcessEnv = {}): Run {
  const fd = openSync(outFile, 'w');
  const cpu0 = childCpuSeconds();
  const start = process.hrtime.bigint();
  const r = spawnSync(command, argv, {
    stdio: ['ignore', fd, 'pipe'],
    env: { ...env, ...extraEnv },
    cwd: repoRoot,
    maxBuffer: 64 << 20,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu1 = childCpuSeconds();
  closeSync(fd);
  const err = r.stderr?.toString() ?? '';
  return {
    ms,
    cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
    ok: r.status === 0,
    note: err.trim().split('\n').pop() ?? '',
  };
}

const cmds: Cmd[] = [
  {
    name: 'bounce-pipeline parse',
    run: () => timed(process.execPath, [bin, 'parse', folder], path.join(tmp, 'parse.ndjson')),
  },
  {
    name: 'bounce-pipeline ingest --from',
    run: (round) => {
      const dataDir = path.join(tmp, `store-${round}`);
      const r = timed(process.execPath, [bin, 'ingest', '--from', folder], path.join(tmp, 'ingest.txt'), {
        BOUNCE_DATA_DIR: dataDir,
      });
      rmSync(dataDir, { recursive: true, force: true });
      return r;
    },
  },
];
if (hasSisimai) {
  // Sisimai->dump: every bounce of the folder as one JSON array, the closest match to our NDJSON output
  cmds.push({
    name: 'Sisimai (Perl) make+dump',
    run: () =>
      timed('perl', ['-MSisimai', '-e', 'print Sisimai->dump($ARGV[0])', folder], path.join(tmp, 'sisimai.json')),
  });
} else {
  process.stdout.write('Sisimai is not installed (apt-get install -y libsisimai-perl): no reference ratio\n');
}

const times = new Map<string, number[]>(cmds.map((c) => [c.name, []]));
const cpus = new Map<string, number[]>(cmds.map((c) => [c.name, []]));
const failed = new Set<string>();
for (let r = 0; r < rounds; r++) {
  for (const c of cmds) {
    const t = c.run(r);
    times.get(c.name)!.push(t.ms);
    if (t.cpu !== null) cpus.get(c.name)!.push(t.cpu);
    if (!t.ok) failed.add(c.name);
    const cpu = t.cpu === null ? '' : `  cpu ${t.cpu.toFixed(2).padStart(6)} s`;
    process.stdout.write(
      `  round ${r + 1} ${c.name.padEnd(30)} ${(t.ms / 1000).toFixed(2).padStart(7)} s  ${((files / t.ms) * 1000).toFixed(0).padStart(6)} msg/s${cpu}  load ${load()}${t.ok ? '' : '  FAILED'}  ${t.note.slice(0, 120)}\n`,
    );
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (name: string) => (files / median(times.get(name)!)) * 1000;
process.stdout.write(`\nload average after: ${load()}\n`);
for (const c of cmds) {
  const cpu = cpus.get(c.name)!.length ? `  cpu median ${median(cpus.get(c.name)!).toFixed(2).padStart(6)} s` : '';
  process.stdout.write(
    `${c.name.padEnd(30)} median ${(median(times.get(c.name)!) / 1000).toFixed(2).padStart(7)} s  ${rate(c.name).toFixed(0).padStart(6)} msg/s${cpu}${failed.has(c.name) ? '  (a round FAILED)' : ''}\n`,
  );
}
if (hasSisimai) {
  const ref = rate('Sisimai (Perl) make+dump');
  process.stdout.write(
    `ratio to Sisimai: parse ${(rate('bounce-pipeline parse') / ref).toFixed(1)}x, ingest --from ${(rate('bounce-pipeline ingest --from') / ref).toFixed(1)}x (>1 = faster)\n`,
  );
}
rmSync(tmp, { recursive: true, force: true });

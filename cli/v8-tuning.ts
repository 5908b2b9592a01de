// V8 settings for commands that parse a fixed set of files and exit (`parse`, `ingest --from`), set before their
// transform workers start (V8 flags are per process, so the workers get them too).
import v8 from 'node:v8';

/**
 * Less inlining in TurboFan: a fresh process spends about a quarter of its CPU compiling the parser's hot
 * functions (twice, once per worker isolate; the largest took 100–500 ms each), and a run of a few thousand
 * messages never earns that back. Measured over 12,580 files (parse, 2 workers, 6 alternating runs each):
 * CPU 9.25 s → 8.14 s median; the in-process rate after warm-up showed no difference within the noise.
 * Long-running commands (`consume`, `start`) keep V8's defaults.
 */
export function tuneForShortRun(): void {
  v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=300');
}

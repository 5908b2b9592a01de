// How many transform workers a run over files (`parse`, `ingest --from`) starts.
import os from 'node:os';
import type { Env } from './config.ts';
import { isSmallInput } from '../ingest/sources/files.ts';

/**
 * `parse`'s own default: its main thread reads the files for the workers and writes their output, so it keeps a core
 * (on 2 cores one worker: 12,580 files in a median 3.49 s and 5.0 s of CPU, two took 3.60 s and 6.7 s; docs/parsing.md).
 */
export const PARSE_DEFAULT_WORKERS = Math.min(os.availableParallelism() - 1, 4);

/**
 * The configured count when it was set (the --workers flag or BOUNCE_TRANSFORM_WORKERS); otherwise none for a small
 * input (see SMALL_INPUT_FILES), else `fallback` (the configured default unless the command has its own).
 */
export function workersForFiles(
  configured: number,
  env: Env,
  flag: string | number | undefined,
  paths: string[],
  fallback = configured,
): number {
  const given = flag !== undefined || (env.BOUNCE_TRANSFORM_WORKERS ?? '') !== '';
  if (given) return configured;
  return isSmallInput(paths) ? 0 : fallback;
}

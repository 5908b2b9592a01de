// How many transform workers a run over files (`parse`, `ingest --from`) starts.
import type { Env } from './config.ts';
import { isSmallInput } from '../ingest/sources/files.ts';

/**
 * The configured count, except that a small input is parsed on the main thread when the count was not set (no
 * --workers flag, no BOUNCE_TRANSFORM_WORKERS): see SMALL_INPUT_FILES.
 */
export function workersForFiles(
  configured: number,
  env: Env,
  flag: string | number | undefined,
  paths: string[],
): number {
  const given = flag !== undefined || (env.BOUNCE_TRANSFORM_WORKERS ?? '') !== '';
  return given || configured === 0 || !isSmallInput(paths) ? configured : 0;
}

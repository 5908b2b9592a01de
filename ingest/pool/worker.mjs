// Worker entry: the compiled worker (dist/worker.mjs, see bin/build.mjs) when it is up to date with the sources;
// otherwise register tsx here and import the TypeScript worker (Node 20 workers cannot load .ts).
import { compiledEntry } from '../../bin/build.mjs';

const entry = compiledEntry('worker');
if (entry) {
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker.ts');
}

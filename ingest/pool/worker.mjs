// Worker entry: the compiled worker (dist/worker.mjs, see bin/build.mjs) when it is up to date with the sources;
// otherwise the TypeScript worker through tsx.
import { importEntry } from '../../bin/build.mjs';

await importEntry('worker', new URL('./worker.ts', import.meta.url).href);

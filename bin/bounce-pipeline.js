#!/usr/bin/env node
// Runs the CLI from its compiled bundle (dist/, see bin/build.mjs), rebuilding it first when a source changed since
// the last build. When it cannot be built (esbuild missing, dist/ not writable) it loads the TypeScript sources
// through tsx instead, so the command works right after `npm install` either way.
import { importEntry } from './build.mjs';

await importEntry('cli', new URL('../cli/main.ts', import.meta.url).href, { rebuild: true });

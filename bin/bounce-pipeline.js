#!/usr/bin/env node
// Runs the CLI from its compiled bundle (dist/, see bin/build.mjs), rebuilding it first when a source changed since
// the last build. When it cannot be built (esbuild missing, dist/ not writable) it loads the TypeScript sources
// through tsx instead, so the command works right after `npm install` either way.
import { build, compiledEntry } from './build.mjs';

let entry = compiledEntry('cli');
if (!entry) {
  try {
    await build();
    entry = compiledEntry('cli');
  } catch {
    entry = null;
  }
}
if (entry) {
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}

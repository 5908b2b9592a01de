#!/usr/bin/env node
// The compiled form of the TypeScript sources: `node bin/build.mjs` bundles the CLI (cli/main.ts) and the transform
// worker (ingest/pool/worker.ts) with esbuild (a dependency of its own, the version tsx compiles with) into dist/, one ES module each
// plus shared chunks; npm packages stay outside the bundle. `npm install` / `npm ci` run it (package.json
// "prepare"), and bin/bounce-pipeline.js runs it again when a source changed since. Loading TypeScript through tsx
// on every start costs about a second per process and per worker thread on this kind of machine (an off-thread
// loader round trip and a compile-cache lookup for each of some 150 modules); the bundle loads in a few tens of ms.
//
// dist/manifest.json lists every source file that went into the bundle with its mtime and size: the bundle is used
// only while all of them are unchanged (compiledEntry), otherwise the callers load the sources through tsx as before.
// A module's import.meta.url stays its source file's URL, so files found next to a module (SQL, migrations, the
// worker entry, package.json) resolve as they do under tsx.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const MANIFEST = path.join(DIST, 'manifest.json');
const ENTRIES = { cli: 'cli/main.ts', worker: 'ingest/pool/worker.ts' };
const FORMAT = 1;

/**
 * The URL of dist/<name>.mjs when the bundle exists and every source in it is unchanged since the build, else null.
 * About a millisecond: one stat per source file.
 */
export function compiledEntry(name) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
  if (manifest.format !== FORMAT || !manifest.entries?.[name]) return null;
  for (const [file, [mtimeMs, size]] of Object.entries(manifest.inputs)) {
    let st;
    try {
      st = fs.statSync(path.join(ROOT, file));
    } catch {
      return null;
    }
    if (st.mtimeMs !== mtimeMs || st.size !== size) return null;
  }
  return pathToFileURL(path.join(DIST, manifest.entries[name])).href;
}

/**
 * Runs an entry: dist/<name>.mjs when it is up to date with the sources (with `rebuild`, after bundling again when it
 * is not), otherwise its TypeScript source (a URL) through tsx, registered here (Node 20 cannot load .ts itself, nor
 * can its worker threads).
 */
export async function importEntry(name, sourceUrl, { rebuild = false } = {}) {
  let entry = compiledEntry(name);
  if (!entry && rebuild) {
    try {
      await build();
      entry = compiledEntry(name);
    } catch {
      // runs from the sources below
    }
  }
  if (entry) return import(entry);
  const { register } = await import('tsx/esm/api');
  register();
  return import(sourceUrl);
}

/** Bundles the entries into dist/. Every file is written to a temporary name and renamed, the manifest last, so a
 *  process that starts meanwhile sees the old bundle, the new one, or none, never half a file. */
export async function build() {
  for (const entry of Object.values(ENTRIES)) {
    if (!fs.existsSync(path.join(ROOT, entry))) return { built: false, reason: `${entry} is missing` };
  }
  const esbuild = await import('esbuild');
  const seen = new Map(); // source file → [mtimeMs, size] as it was before it was read
  const keepSourceUrl = {
    name: 'keep-source-url',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
        const st = fs.statSync(args.path);
        seen.set(args.path, [st.mtimeMs, st.size]);
        const text = await fs.promises.readFile(args.path, 'utf8');
        return {
          contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
          loader: 'ts',
        };
      });
    },
  };
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(ROOT, file)])),
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    write: false,
    plugins: [keepSourceUrl],
  });
  fs.mkdirSync(DIST, { recursive: true });
  const tmpSuffix = `.tmp-${process.pid}`;
  for (const out of result.outputFiles) {
    fs.writeFileSync(out.path + tmpSuffix, out.contents);
    fs.renameSync(out.path + tmpSuffix, out.path);
  }
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    if (file.includes('node_modules/')) continue;
    const abs = path.join(ROOT, file);
    const st = seen.get(abs) ?? ((s) => [s.mtimeMs, s.size])(fs.statSync(abs));
    inputs[file] = st;
  }
  const entries = {};
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    const name = Object.keys(ENTRIES).find((n) => out.entryPoint === ENTRIES[n]);
    if (name) entries[name] = path.relative(DIST, path.join(ROOT, file));
  }
  fs.writeFileSync(MANIFEST + tmpSuffix, JSON.stringify({ format: FORMAT, entries, inputs }, null, 1));
  fs.renameSync(MANIFEST + tmpSuffix, MANIFEST);
  // Chunks of earlier builds: a process started before this build may still load one lazily, so only those
  // untouched for an hour go.
  const current = new Set(result.outputFiles.map((o) => path.basename(o.path)));
  for (const name of fs.readdirSync(DIST)) {
    if (current.has(name) || name === 'manifest.json') continue;
    const file = path.join(DIST, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > 3_600_000) fs.rmSync(file);
    } catch {
      /* another build removed it */
    }
  }
  return { built: true, files: Object.keys(inputs).length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await build();
  process.stdout.write(r.built ? `build: ${r.files} source files → dist/\n` : `build: skipped (${r.reason})\n`);
}

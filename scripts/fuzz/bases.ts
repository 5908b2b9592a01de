// The messages the fuzz harness mutates: the Sisimai corpus (when present next to the repository) and our fixtures.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus/sisimai/maildir');
const OWN_DIRS = ['test/fixtures', 'samples'];

export interface Base {
  name: string;
  bytes: Buffer;
}

function walk(dir: string, out: string[]): void {
  for (const n of readdirSync(dir).sort()) {
    if (n.startsWith('.')) continue;
    const p = path.join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile() && st.size > 0 && st.size < 1_000_000 && !/\.(?:json|md|ts|tmpl|sql|csv|html)$/.test(n))
      out.push(p);
  }
}

/** Corpus files (when `withCorpus` and the folder exists) plus the project's own .eml fixtures and samples. */
export function loadBases(withCorpus = true): Base[] {
  const files: string[] = [];
  if (withCorpus && existsSync(CORPUS_DIR)) walk(CORPUS_DIR, files);
  for (const d of OWN_DIRS) if (existsSync(path.join(REPO_ROOT, d))) walk(path.join(REPO_ROOT, d), files);
  return files.map((f) => ({ name: path.relative(REPO_ROOT, f), bytes: readFileSync(f) }));
}

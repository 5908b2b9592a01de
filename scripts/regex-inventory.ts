// The regular expressions of transform/ (the code that reads mail anyone can send us), for the ReDoS check
// (test/unit/regex-safety.test.ts) and its end-to-end measure (bench/regex.ts):
// - the literals, found by the TypeScript parser (not by a pattern over the text);
// - the ones built at run time with new RegExp(...) from tables (recipient-line patterns around ADDR, combined
//   pattern tables, provider domains), caught by a RegExp constructor hook while the parser loads and parses the
//   project's own messages (the fuzz harness's bases without the corpus: test/fixtures and samples). Call builtRegexes() before anything in the process imports transform/: a module loaded earlier has
//   built its patterns already.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { loadBases, REPO_ROOT } from './fuzz/bases.ts';

export { REPO_ROOT };

export interface FoundRegex {
  /** repo-relative: the file of the literal, or the module that built the pattern */
  file: string;
  line: number;
  source: string;
  flags: string;
}

function* tsFilesUnder(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* tsFilesUnder(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

/** The regex literals of a folder of the repo. */
export function regexLiterals(dir = 'transform'): FoundRegex[] {
  const out: FoundRegex[] = [];
  for (const file of tsFilesUnder(path.join(REPO_ROOT, dir))) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(sf);
        const end = text.lastIndexOf('/');
        out.push({
          file: path.relative(REPO_ROOT, file),
          line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
          source: text.slice(1, end),
          flags: text.slice(end + 1),
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** The patterns transform/ builds with new RegExp(...), each once, from loading the parser and parsing our messages. */
export async function builtRegexes(): Promise<FoundRegex[]> {
  const Native = RegExp;
  const found = new Map<string, FoundRegex>();
  const where = /\((?:file:\/\/)?[^()]*\/(transform\/[^():]+\.ts):(\d+):\d+\)/;
  globalThis.RegExp = new Proxy(Native, {
    construct(target, args, newTarget) {
      const re = Reflect.construct(target, args, newTarget) as RegExp;
      // the first frame in transform/: the module that built it (stack lines of the hook itself come first)
      const frame = (new Error().stack ?? '').split('\n').find((l) => where.test(l));
      const m = frame ? where.exec(frame) : null;
      const key = `/${re.source}/${re.flags}`;
      if (m && !found.has(key)) found.set(key, { file: m[1], line: Number(m[2]), source: re.source, flags: re.flags });
      return re;
    },
  });
  try {
    const { toBounceEventsSync } = await import('../transform/bounce-event.ts');
    for (const { bytes } of loadBases(false))
      toBounceEventsSync(
        bytes,
        { receivedAt: new Date(0) },
        { maxMessageBytes: 10 * 1024 * 1024, hashLocalPart: false },
      );
  } finally {
    globalThis.RegExp = Native;
  }
  return [...found.values()];
}

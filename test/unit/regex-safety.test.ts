// Every regular expression literal in transform/ (the code that reads mail anyone can send us) checked by recheck,
// a ReDoS checker: none may backtrack exponentially, and the ones that backtrack polynomially are the listed ones,
// each with what bounds its input (test/unit/regex-polynomial.json). A new pattern that backtracks fails here
// until it is rewritten or listed with its bound; a listed one that was rewritten must leave the list.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { checkSync } from 'recheck';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Literal {
  file: string;
  line: number;
  source: string;
  flags: string;
}

function* tsFiles(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

/** The regex literals of a folder, found by the TypeScript parser (not by a pattern over the text). */
function regexLiterals(dir: string): Literal[] {
  const out: Literal[] = [];
  for (const file of tsFiles(path.join(repoRoot, dir))) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(sf);
        const end = text.lastIndexOf('/');
        out.push({
          file: path.relative(repoRoot, file),
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

interface Listed {
  file: string;
  source: string;
  flags: string;
  bound: string;
}
const listed: Listed[] = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'test/unit/regex-polynomial.json'), 'utf8'),
) as Listed[];
const key = (r: { file: string; source: string; flags: string }) => `${r.file} /${r.source}/${r.flags}`;

test('no regex in transform/ backtracks exponentially; the polynomial ones are the listed ones', (t) => {
  const literals = regexLiterals('transform');
  t.true(literals.length > 300, `found ${literals.length} regex literals`); // the walk found the parser's patterns
  const exponential: string[] = [];
  const polynomial = new Map<string, string>();
  const safe = new Set<string>();
  const undecided: string[] = [];
  for (const r of literals) {
    // recheck gives up on a few large alternations within its time limit ('unknown', depending on the machine's
    // speed): those are logged, not failed, so the verdicts that fail the test are the definite ones.
    const verdict = checkSync(r.source, r.flags, { timeout: 3000 });
    const where = `${r.file}:${r.line} /${r.source}/${r.flags}`;
    if (verdict.status === 'safe') safe.add(key(r));
    else if (verdict.status !== 'vulnerable') undecided.push(`${where} (${verdict.status})`);
    else if (verdict.complexity.type === 'exponential') exponential.push(`${where} attack: ${verdict.attack.pattern}`);
    else polynomial.set(key(r), where);
  }
  for (const u of undecided) t.log(`undecided: ${u}`);
  t.deepEqual(exponential, [], 'rewrite these (an atomic group, or a class that cannot be split two ways)');
  const known = new Set(listed.map(key));
  t.deepEqual(
    [...polynomial.keys()].filter((k) => !known.has(k)).map((k) => polynomial.get(k)),
    [],
    'new polynomial backtracking: rewrite it, or list it with what bounds its input',
  );
  t.deepEqual(
    [...known].filter((k) => safe.has(k) || !literals.some((r) => key(r) === k)),
    [],
    'listed but now safe, or gone: take it off the list',
  );
  for (const l of listed) t.true(l.bound.length > 20, `${l.file}: say what bounds the input`);
});

// Every regular expression in transform/ (the code that reads mail anyone can send us) checked by recheck, a ReDoS
// checker: the literals, and the patterns built at run time with new RegExp(...) from tables
// (scripts/regex-inventory.ts). None may backtrack exponentially, and the ones that backtrack polynomially are the
// listed ones, each with what bounds its input (test/unit/regex-polynomial.json; `npm run bench:regex` measures
// each listed pattern's attack end to end). A new pattern that backtracks fails here until it is rewritten or listed
// with its bound; a listed one that was rewritten must leave the list.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { checkSync } from 'recheck';
import { builtRegexes, regexLiterals, REPO_ROOT, type FoundRegex } from '../../scripts/regex-inventory.ts';

interface Listed {
  file: string;
  source: string;
  flags: string;
  bound: string;
}
const listed: Listed[] = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, 'test/unit/regex-polynomial.json'), 'utf8'),
) as Listed[];
const key = (r: { file: string; source: string; flags: string }) => `${r.file} /${r.source}/${r.flags}`;

interface Verdicts {
  exponential: string[];
  polynomial: Map<string, string>;
  safe: Set<string>;
  undecided: string[];
}

function check(found: FoundRegex[]): Verdicts {
  const v: Verdicts = { exponential: [], polynomial: new Map(), safe: new Set(), undecided: [] };
  for (const r of found) {
    // recheck gives up on a few large alternations within its time limit ('unknown', depending on the machine's
    // speed): those are logged, not failed, so the verdicts that fail the test are the definite ones.
    const verdict = checkSync(r.source, r.flags, { timeout: 3000 });
    const where = `${r.file}:${r.line} /${r.source}/${r.flags}`;
    if (verdict.status === 'safe') v.safe.add(key(r));
    else if (verdict.status !== 'vulnerable') v.undecided.push(`${where} (${verdict.status})`);
    else if (verdict.complexity.type === 'exponential')
      v.exponential.push(`${where} attack: ${verdict.attack.pattern}`);
    else v.polynomial.set(key(r), where);
  }
  return v;
}

test('no regex in transform/, literal or built, backtracks exponentially; the polynomial ones are the listed ones', async (t) => {
  const built = await builtRegexes();
  const literals = regexLiterals('transform');
  t.true(literals.length > 300, `found ${literals.length} regex literals`); // the walk found the parser's patterns
  // the hook saw the table-built ones: the recipient-line patterns and the provider domains at least
  t.true(built.length > 50, `found ${built.length} built patterns`);
  t.true(built.some((r) => r.file === 'transform/dsn/recipient-lines.ts'));
  const all = [...literals, ...built];
  const v = check(all);
  for (const u of v.undecided) t.log(`undecided: ${u}`);
  t.deepEqual(v.exponential, [], 'rewrite these (an atomic group, or a class that cannot be split two ways)');
  const known = new Set(listed.map(key));
  t.deepEqual(
    [...v.polynomial.keys()].filter((k) => !known.has(k)).map((k) => v.polynomial.get(k)),
    [],
    'new polynomial backtracking: rewrite it, or list it with what bounds its input',
  );
  t.deepEqual(
    [...known].filter((k) => v.safe.has(k) || !all.some((r) => key(r) === k)),
    [],
    'listed but now safe, or gone: take it off the list',
  );
  for (const l of listed) t.true(l.bound.length > 20, `${l.file}: say what bounds the input`);
});

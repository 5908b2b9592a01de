// ESLint (flat config): @eslint/js recommended + typescript-eslint's type-aware recommended rules, then
// eslint-config-prettier last so that no rule here argues with the formatter (Prettier owns all layout).
// `npm run lint`; `npm test` runs it too.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig, globalIgnores } from 'eslint/config';

export default defineConfig(
  // Installed, generated or runtime folders (see .gitignore): nothing of ours to lint there.
  globalIgnores(['node_modules/', 'data/', '.kafka/', 'dist/', 'bench-data/', 'out/', 'reports/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The TypeScript files are all in tsconfig.json, so the type-aware rules see the same program as `tsc`.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // The house convention: `_` or `_name` is a binding kept on purpose (`for await (const _ of ...)`, a
      // field left out of a rest spread, a callback parameter held for its position).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The plain JavaScript files (bin/, scripts/*.js, *.mjs) are outside tsconfig.json, so they get the
    // syntactic rules only; they run on Node, so Node's globals are defined there.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: globals.node,
    },
  },
  {
    // Tests, benchmarks and scripts only. The rules below stay on for the shipped code (cli/, transform/,
    // ingest/, queries/, shared/).
    // They read JSON (ClickHouse rows, CLI output, report models, dashboards) through JSON.parse and assert on
    // it; typing every such value would add casts and nothing else, and a wrong guess fails the test anyway.
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes of async interfaces (a store's insert, a dead-letter writer, a transform, a Kafka admin) are
      // written `async () => { ... }` so that a throw in them is a rejection, as from the real thing: the
      // behaviour the tests are about.
      '@typescript-eslint/require-await': 'off',
    },
  },
  prettier,
);

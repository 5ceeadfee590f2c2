import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': 'off',
    },
  },
  {
    // The architecture: server and client never import each other; protocol imports neither.
    files: ['src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/client/**', '**/batch/**', '**/repl/**', '**/cli/**'] }] },
  },
  {
    files: ['src/client/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/batch/**', '**/repl/**', '**/cli/**'] }] },
  },
  {
    files: ['src/batch/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/repl/**', '**/cli/**'] }] },
  },
  {
    // Many servers at once: over client and batch (targets), never the server, the REPL or the CLI.
    files: ['src/fleet/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/repl/**', '**/cli/**'] }] },
  },
  {
    // The REPL is a layer over client and batch: never the server, never the CLI.
    files: ['src/repl/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/cli/**'] }] },
  },
  {
    // The ui process is a client: never the server, the REPL or the CLI.
    files: ['src/ui/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/repl/**', '**/cli/**'] }] },
  },
  {
    // The page runs in the browser: DOM globals, and only types from the ui process.
    files: ['src/ui/browser/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // top watches servers as a client does, with the batch runner's servers.csv: never the server, the REPL or the CLI.
    files: ['src/top/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/repl/**', '**/cli/**'] }] },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/client/**', '**/batch/**', '**/repl/**', '**/cli/**'] }] },
  },
);

// Lint keeps each folder in its lane (README, "Architecture").
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'url', 'stream', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test-artifacts/', '.certs/', 'scratch/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // No function over ~80 lines in the source (tests are lists of cases): a function does one thing
    // and says so in its name (issue 19).
    files: ['**/*.ts'],
    ignores: ['test/**'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Tests read untyped JSON answers; `any` there is the honest type.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!zod$|\\.{1,2}/).*', message: 'domain/ imports only zod and itself.' },
            { group: ['../service/*', '../addin/*', '../test/*', '../../*'], message: 'domain/ imports only zod and itself.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'Office', 'Excel', 'process'],
    },
  },
  {
    files: ['service/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/addin/**', '**/addin'], message: 'service/ never imports addin/.' },
            { group: ['@duckdb/*'], message: 'Only service/store/ talks to DuckDB.' },
          ],
        },
      ],
    },
  },
  {
    files: ['service/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['hono', 'hono/*', '@hono/*'], message: 'The store knows no Hono.' },
            { group: ['**/addin/**', '**/routes/**', '**/app.ts'], message: 'The store knows no HTTP and no add-in.' },
          ],
        },
      ],
    },
  },
  {
    files: ['addin/**/*.ts'],
    ignores: ['addin/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/service/**'], allowTypeImports: true, message: 'addin/ reaches the service only over HTTP (import type is fine).' },
            { group: ['@duckdb/*', 'exceljs', ...nodeBuiltins], message: 'addin/ runs in the browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['addin/sync/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'Office', 'Excel', 'localStorage', 'navigator'],
    },
  },
  {
    files: ['addin/**/*.ts'],
    ignores: ['addin/excel/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='Excel'][property.name='run']", message: 'Only addin/excel/ calls Excel.run.' },
        // One home per fact: the batch limit is domain/contract.ts maxBatchRows. (addin/excel's
        // chunkRows, the rows written to Excel per request, is another fact and lives there.)
        { selector: 'Literal[value=5000]', message: 'The batch limit is maxBatchRows from domain/contract.ts.' },
      ],
    },
  },
);

// ESLint: typescript-eslint's recommended rules everywhere, a few type-aware rules where they
// catch real bugs (promises nobody awaits or handles), and the dependency direction between apps.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'apps/core/src/generated/**',
      'coverage/**',
      'test-output/**',
      'bench-output/**',
      'data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Typed rows everywhere: a query result read without naming its row type is an error in the apps.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
    },
  },
  // The dependency direction: cli -> api, worker, watcher, scheduler -> core; core/domain -> nothing.
  // (The build's project references refuse cycles too; these rules say which edge is wrong.)
  ...['api', 'worker', 'watcher', 'scheduler'].map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^@windmill/(?!core/|${app}/)`,
              message: 'An app imports only @windmill/core and itself; the CLI composes apps, nothing imports it.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['apps/core/**/*.ts'],
    ignores: ['apps/core/src/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^@windmill/(?!core/)', message: 'The core imports no app: apps depend on the core, never the reverse.' }] },
      ],
    },
  },
  {
    files: ['apps/core/src/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message: 'The domain is pure: it imports nothing outside apps/core/src/domain (no I/O, no platform, no packages).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/core/src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./|@windmill/core/domain/)', message: 'Domain tests use the domain alone.' }] },
      ],
    },
  },
  {
    // JSON bodies in tests are checked field by field; typing each response would add nothing.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['apps/api/public/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.mjs', '*.js'],
    languageOptions: { globals: globals.node },
  },
);

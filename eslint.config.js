import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'migrations/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layer rules: only the Telegram adapter imports telegraf; only the store imports drizzle.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/channels/telegram/**', 'src/store/**', 'src/app.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['telegraf', 'telegraf/*', 'drizzle-orm', 'drizzle-orm/*'] }] },
  },
  {
    files: ['src/channels/telegram/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['drizzle-orm', 'drizzle-orm/*'] }] },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['telegraf', 'telegraf/*'] }] },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['telegraf', 'telegraf/*', 'drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', 'node:fs', 'node:http', '../store/*', '../services/*', '../channels/*', '../conversation/*'] }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain code takes time as a parameter' }, { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'domain code takes time as a parameter' }],
    },
  },
);

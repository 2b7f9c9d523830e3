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
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['telegraf*', 'drizzle-orm*', 'better-sqlite3', '../store/*', '../services/*', '../channels/*'] }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain code takes time as a parameter' }, { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'domain code takes time as a parameter' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/channels/telegram/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['telegraf', 'telegraf/*'] }] },
  },
);

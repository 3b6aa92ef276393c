import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'services/console/src/api/schema.d.ts', 'node_modules/**', 'infra/**', 'coverage/**', '.data/**', 'jest.config.js', 'scripts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'kafkajs', message: 'only libs/messaging may import kafkajs' }] }],
      'no-console': 'off',
    },
  },
  { files: ['libs/messaging/**'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);

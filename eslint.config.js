// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerRule } from './scripts/lint/layers.mjs';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.cache/**',
      '.local/**',
      'coverage/**',
      'cdk.out/**',
      'examples/jobs/*/target/**',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // The layer map (docs/architecture.md): imports across folders of functions/ follow its arrows.
    files: ['functions/**/*.ts'],
    plugins: { fjc: { rules: { layers: layerRule(`${import.meta.dirname}/functions`) } } },
    rules: { 'fjc/layers': 'error' },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);

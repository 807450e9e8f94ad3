import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'coverage/', 'test-results/', '.bench-data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      // External links go through one gate (main/shell/security.ts openExternalSafely).
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='shell'][property.name='openExternal']",
          message: 'Open external links only through openExternalSafely in main/shell/security.ts.',
        },
      ],
      // Only the Electron shell (main/shell/) and the preload touch Electron: the services are the same
      // for the desktop app, the web mode and the CLI.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only main/shell/ and preload/ import electron; services take what they need as a Shell.' }] },
      ],
    },
  },
  {
    files: ['main/shell/security.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['main/shell/**', 'preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);

/**
 * ESLint for the extension shell, its tests and build tools. Flat config, recommended rules plus
 * the ones that keep page text out of markup and code (no innerHTML, no eval).
 */
import js from '@eslint/js';
import globals from 'globals';

const noMarkup = {
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-restricted-properties': [
    'error',
    { property: 'innerHTML', message: 'Insert text with textContent or lib/dom.js h().' },
    { property: 'outerHTML', message: 'Only page.js may read outerHTML (allowed there).' },
    { property: 'insertAdjacentHTML', message: 'Insert text with textContent or lib/dom.js h().' },
    { object: 'document', property: 'write', message: 'No document.write.' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "AssignmentExpression[left.property.name='innerHTML']", message: 'No innerHTML.' },
    { selector: "CallExpression[callee.property.name='createContextualFragment']", message: 'No HTML parsing of text.' },
  ],
};

export default [
  { ignores: ['dist/**', 'target/**', 'node_modules/**', 'crate/**', 'extension/engine/**', 'tests/fixtures/**'] },
  js.configs.recommended,
  {
    files: ['extension/**/*.js'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.serviceworker, chrome: 'readonly' },
    },
    rules: {
      ...noMarkup,
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The injected page reader serialises a slice of the failed page's HTML: reading is fine here.
    files: ['extension/background/page.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['tests/**/*.mjs', 'tools/**/*.mjs', 'eslint.config.js'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node, chrome: 'readonly', window: 'readonly', document: 'readonly' },
    },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
];

/**
 * ESLint for the extension shell, its tests and build tools. Flat config, recommended rules plus
 * the ones that keep page text out of markup and code (no innerHTML, no eval), and the one that
 * keeps every browser API call in extension/lib/platform.js.
 */
import js from '@eslint/js';
import globals from 'globals';

const PLATFORM = 'extension/lib/platform.js';
/** The platform layer's classic script: the popup's first questions, asked before its modules load. */
const PLATFORM_HEAD = 'extension/lib/platform-popup-head.js';
/** The platform layer's worker half: navigation and response events, badge, alarms, notifications. */
const PLATFORM_WORKER = 'extension/lib/platform-worker.js';
const viaPlatform = `Call the browser through ${PLATFORM}, the one platform layer.`;

/** `chrome`/`browser` by any name: the globals, and as properties of the global object. */
const browserApi = [
  ...['globalThis', 'self', 'window'].flatMap((object) => ['chrome', 'browser'].map((property) => ({ object, property, message: viaPlatform }))),
];

const markupProperties = [
  { property: 'innerHTML', message: 'Insert text with textContent or lib/dom.js h().' },
  { property: 'insertAdjacentHTML', message: 'Insert text with textContent or lib/dom.js h().' },
  { object: 'document', property: 'write', message: 'No document.write.' },
];

const noMarkup = {
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-restricted-properties': [
    'error',
    ...markupProperties,
    { property: 'outerHTML', message: 'Only page.js may read outerHTML (allowed there).' },
    ...browserApi,
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
      globals: { ...globals.browser, ...globals.serviceworker, chrome: 'readonly', browser: 'readonly' },
    },
    rules: {
      ...noMarkup,
      'no-restricted-globals': [
        'error',
        { name: 'chrome', message: viaPlatform },
        { name: 'browser', message: viaPlatform },
      ],
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The one platform layer.
    files: [PLATFORM, PLATFORM_HEAD, PLATFORM_WORKER],
    rules: {
      'no-restricted-globals': 'off',
      'no-restricted-properties': ['error', ...markupProperties, { property: 'outerHTML', message: 'No outerHTML.' }],
    },
  },
  {
    // The injected page reader serialises a slice of the failed page's HTML: reading is fine here.
    files: ['extension/background/page.js'],
    rules: { 'no-restricted-properties': ['error', ...markupProperties, ...browserApi] },
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

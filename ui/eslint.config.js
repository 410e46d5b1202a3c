import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TAURI = {
  group: ['@tauri-apps/*'],
  message: 'Only src/lib/ipc may import @tauri-apps/*; use the typed wrappers it exports.',
};
const SHARED = 'lists|network|session|sync';
const LAYERS = 'see the layering rules in src/test/architecture.test.ts, which also checks what these patterns cannot';
const NO_ROUTE = { regex: '^(\\.\\./)+routes(\\.tsx?)?(/|$)', message: `A feature never imports a route; ${LAYERS}.` };
/** A feature `depth` folders below src/features imports no other feature but the shared ones. */
const onlySharedFeatures = (depth) => ({
  regex: `^(\\.\\./){${depth}}(?!(${SHARED})/)[^./][^/]*/`,
  message: `A feature imports only components/, lib/, itself and the shared features (${SHARED.replaceAll('|', ', ')}); ${LAYERS}.`,
});
// Flat config replaces a rule's options per block, so each block repeats the @tauri-apps ban.
const restrictImports = (...patterns) => ['error', { patterns: [TAURI, ...patterns] }];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'src/lib/bindings'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      ecmaVersion: 2023,
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks, 'react-refresh': reactRefresh },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'react-refresh/only-export-components': ['warn', { allowConstantExport: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Arrows point down: components talk to Rust only through the typed wrappers in src/lib/ipc.
      'no-restricted-imports': restrictImports(),
    },
  },
  {
    files: ['src/components/**', 'src/lib/**'],
    rules: {
      'no-restricted-imports': restrictImports({
        regex: '^(\\.\\./)+(features|routes)(/|\\.tsx?$|$)',
        message: `components/ and lib/ are the bottom layer: they import no feature or route; ${LAYERS}.`,
      }),
    },
  },
  {
    files: ['src/features/*/*.{ts,tsx}'],
    // shell is the frame: it composes features.
    ignores: ['src/features/shell/**'],
    rules: { 'no-restricted-imports': restrictImports(onlySharedFeatures(1), NO_ROUTE) },
  },
  {
    files: ['src/features/*/*/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': restrictImports(onlySharedFeatures(2), NO_ROUTE) },
  },
  {
    files: ['src/lib/ipc/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'src/test/**'],
    rules: { 'react-refresh/only-export-components': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended, tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);

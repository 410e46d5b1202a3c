import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');
const IPC_DIR = join('lib', 'ipc') + sep;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|jsx|mts|cts)$/.test(entry.name) ? [path] : [];
  });
}

// Matches static imports, re-exports, dynamic import() and require() of any @tauri-apps package.
const TAURI_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]@tauri-apps\//;

// Who may import whom inside src (paths relative to src, '/'-separated):
// - components/ and lib/ are the bottom: they import no feature and no route.
// - A feature (features/<name>/, a provider's folder such as features/xero/ counting as one feature) imports
//   components/, lib/, itself and the shared features below, never another feature and never a route.
// - Shared features are the services every feature may use: lists (the list kit), network (online status),
//   session (who is signed in, what they may do) and sync (progress, Sync now). They follow the same rule, so they
//   cannot reach into a provider either, and their folders import each other without a cycle.
// - shell is the frame (top bar, sidebar, session root): it composes features, so it may import any of them, and
//   no feature imports it.
// - routes/ compose everything. Tests may also import src/test/ and the app's providers.
export const SHARED_FEATURES: ReadonlySet<string> = new Set(['lists', 'network', 'session', 'sync']);
const FRAME_FEATURE = 'shell';

/** The relative imports of a source text: static, re-exports, side-effect and dynamic ones. */
const RELATIVE_IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]*)['"]/g;

function area(path: string): { kind: 'feature'; name: string } | { kind: 'components' | 'lib' | 'routes' | 'test' | 'root' } {
  const [top, second] = path.split('/');
  if (top === 'features' && second) return { kind: 'feature', name: second };
  if (top === 'components' || top === 'lib' || top === 'test') return { kind: top };
  if (top === 'routes' || path.startsWith('routes.')) return { kind: 'routes' };
  return { kind: 'root' };
}

/** Why `file` (relative to src) may not import `target` (relative to src, resolved), or null when it may. */
export function layeringViolation(file: string, target: string): string | null {
  const from = area(file);
  const to = area(target);
  const isTest = /\.test\.tsx?$/.test(file);
  if (to.kind === 'test' && !isTest && from.kind !== 'test') return 'only tests import src/test';
  if (from.kind === 'components' || from.kind === 'lib') {
    if (to.kind === 'feature' || to.kind === 'routes') return `${from.kind}/ is the bottom layer: it imports no feature or route`;
    return null;
  }
  if (from.kind !== 'feature') return null;
  if (to.kind === 'routes') return 'a feature never imports a route';
  if (to.kind === 'root' && !isTest) return 'a feature imports no app-level module';
  if (to.kind !== 'feature' || to.name === from.name || from.name === FRAME_FEATURE) return null;
  if (to.name === FRAME_FEATURE) return 'no feature imports the frame (shell)';
  if (SHARED_FEATURES.has(to.name)) return null;
  return `features/${from.name} may import only components/, lib/, itself and the shared features (${[...SHARED_FEATURES].join(', ')}), not features/${to.name}`;
}

/** Every relative import of `text` (the source of `file`), resolved to a path relative to src. */
export function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(RELATIVE_IMPORT)].map((m) => normalize(join(dirname(file), m[1] ?? '')).split(sep).join('/'));
}

function violations(files: Array<{ file: string; text: string }>): string[] {
  return files.flatMap(({ file, text }) =>
    importsOf(file, text).flatMap((target) => {
      const why = layeringViolation(file, target);
      return why ? [`${file} -> ${target}: ${why}`] : [];
    }),
  );
}

/** Feature folders that import each other in a circle, e.g. ['sync -> xero -> sync']. */
function featureCycles(files: Array<{ file: string; text: string }>): string[] {
  const edges = new Map<string, Set<string>>();
  for (const { file, text } of files) {
    const from = area(file);
    if (from.kind !== 'feature' || /\.test\.tsx?$/.test(file)) continue;
    for (const target of importsOf(file, text)) {
      const to = area(target);
      if (to.kind === 'feature' && to.name !== from.name) edges.set(from.name, (edges.get(from.name) ?? new Set()).add(to.name));
    }
  }
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      if (next === path[0]) cycles.push([...path, next].join(' -> '));
      else if (!path.includes(next) && next > path[0]!) visit(next, [...path, next]);
    }
  };
  for (const start of edges.keys()) visit(start, [start]);
  return cycles;
}

const sources = () =>
  sourceFiles(SRC).map((path) => ({ file: relative(SRC, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }));

describe('layering', () => {
  it('features import only components/, lib/, themselves and the shared features; components/ and lib/ import no feature', () => {
    expect(violations(sources()), 'see the layering rules at the top of architecture.test.ts').toEqual([]);
  });

  it('feature folders import each other without a cycle', () => {
    expect(featureCycles(sources()), 'a cycle between folders means one of them holds what belongs to the other').toEqual([]);
  });

  it('the scanner catches a feature reaching into another feature, a route or the frame', () => {
    const bad = [
      { file: 'features/sync/SyncProgressProvider.tsx', text: `import { useOrganisations } from '../xero/organisations/useOrganisations';` },
      { file: 'features/lists/ListPage.tsx', text: `export { xeroSource } from "../xero/source";` },
      { file: 'features/xero/invoices/InvoiceTable.tsx', text: `import InvoicesRoute from '../../../routes/InvoicesRoute';` },
      { file: 'features/session/SessionControls.tsx', text: `const m = await import('../shell/TopBar');` },
      { file: 'components/ui/Card.tsx', text: `import { useCan } from '../../features/session/useSession';` },
      { file: 'lib/format.ts', text: `import { renderApp } from '../test/renderApp';` },
    ];
    expect(violations(bad).map((v) => v.split(':')[0])).toEqual([
      'features/sync/SyncProgressProvider.tsx -> features/xero/organisations/useOrganisations',
      'features/lists/ListPage.tsx -> features/xero/source',
      'features/xero/invoices/InvoiceTable.tsx -> routes/InvoicesRoute',
      'features/session/SessionControls.tsx -> features/shell/TopBar',
      'components/ui/Card.tsx -> features/session/useSession',
      'lib/format.ts -> test/renderApp',
    ]);
    expect(featureCycles([...bad, { file: 'features/xero/source.ts', text: `import { x } from '../sync/useSync';` }])).toEqual([
      'sync -> xero -> sync',
    ]);
  });

  it('the scanner lets a feature use itself, the shared features, components/ and lib/, and lets the frame compose', () => {
    const good = [
      { file: 'features/xero/organisations/OrganisationsTable.tsx', text: `import { useSyncNow } from '../../sync/useSync';` },
      { file: 'features/xero/source.ts', text: `import { useOrganisations } from './organisations/useOrganisations';` },
      { file: 'features/xero/contacts/ContactTable.tsx', text: `import { Badge } from '../../../components/ui/Badge';` },
      { file: 'features/shell/TopBar.tsx', text: `import { ThemeToggle } from '../theme/ThemeToggle';` },
      { file: 'features/xero/contacts/contacts.test.tsx', text: `import { renderApp } from '../../../test/renderApp';` },
    ];
    expect(violations(good)).toEqual([]);
  });
});

describe('architecture', () => {
  it('only src/lib/ipc imports @tauri-apps/*', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(20);
    const offenders = files
      .map((file) => relative(SRC, file))
      .filter((file) => !file.startsWith(IPC_DIR))
      .filter((file) => TAURI_IMPORT.test(readFileSync(join(SRC, file), 'utf8')));
    expect(offenders, 'components must call the typed wrappers in src/lib/ipc instead').toEqual([]);
  });

  it('the scan itself detects an import', () => {
    // Built at run time so this file does not match its own scan.
    const scope = ['@tauri', 'apps'].join('-');
    expect(TAURI_IMPORT.test(`import { invoke } from '${scope}/api/core';`)).toBe(true);
    expect(TAURI_IMPORT.test(`const m = await import("${scope}/api/event");`)).toBe(true);
    expect(TAURI_IMPORT.test(`import '${scope}/api';`)).toBe(true);
    expect(TAURI_IMPORT.test(`import { useQuery } from '@tanstack/react-query';`)).toBe(false);
  });
});

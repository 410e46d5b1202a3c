import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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

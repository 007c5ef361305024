/**
 * Builds the renderer for web mode when out/web is missing or older than its sources, so
 * `bin/dialtone web` works straight after `npm install` and after every edit.
 *
 * A room of its own because three rooms need it and none should reach into another for it: the
 * `web` command (src/main/cli), the browser benchmarks (src/main/bench) and the E2E suite, which also
 * takes REPO_ROOT from here. Keep this file at src/main/<room>/: REPO_ROOT counts three folders up.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const WEB_OUT_DIR = join(REPO_ROOT, 'out', 'web');
/** The same renderer with its test hooks (src/renderer/src/testing/), for the E2E suite and the bench. */
export const TEST_WEB_OUT_DIR = join(REPO_ROOT, 'out', 'web-test');
const SOURCES = ['src/renderer', 'src/shared', 'vite.web.config.ts', 'package.json'];

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

export function webBuildIsStale(outDir = WEB_OUT_DIR): boolean {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((source) => {
    const path = join(REPO_ROOT, source);
    return existsSync(path) && newestMtimeMs(path) > built;
  });
}

/** Builds out/web with vite if needed; returns the folder. `log` hears one line when it builds. */
export async function ensureWebBuild(log: (line: string) => void = () => {}): Promise<string> {
  if (!webBuildIsStale()) return WEB_OUT_DIR;
  log('Building the renderer for web mode (once, ~10 s)…');
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'vite.web.config.ts'), logLevel: 'warn' });
  return WEB_OUT_DIR;
}

/** Builds out/web-test (test hooks on) if needed; returns the folder. */
export async function ensureTestWebBuild(): Promise<string> {
  if (!webBuildIsStale(TEST_WEB_OUT_DIR)) return TEST_WEB_OUT_DIR;
  const { build } = await import('vite');
  await build({
    configFile: join(REPO_ROOT, 'vite.web.config.ts'),
    logLevel: 'warn',
    define: { __DIALTONE_TEST_HOOKS__: 'true' },
    build: { outDir: TEST_WEB_OUT_DIR },
  });
  return TEST_WEB_OUT_DIR;
}

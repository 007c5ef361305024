/**
 * The audio test hook (window.__dialtoneAudio) stays out of the production bundle: it used to ship
 * in every build from audio/voice.ts; now only the test build (src/main/web/build.ts) includes it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTestWebBuild, REPO_ROOT } from '../../src/main/web/build';

/** A string only the hook's module holds (its window property). */
const HOOK_MARK = '__dialtoneAudio';

function bundleText(dir: string): string {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter(
    (f) => f.isFile() && /\.(js|html)$/.test(f.name),
  );
  return files.map((f) => readFileSync(join(f.parentPath, f.name), 'utf8')).join('\n');
}

describe('test hooks and the production bundle', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'dialtone-web-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('the production web build (npm run build:web) has no audio test hook', async () => {
    const { build } = await import('vite');
    const previous = process.env.DIALTONE_TEST_HOOKS;
    delete process.env.DIALTONE_TEST_HOOKS;
    try {
      await build({
        configFile: join(REPO_ROOT, 'vite.web.config.ts'),
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true },
      });
    } finally {
      if (previous !== undefined) process.env.DIALTONE_TEST_HOOKS = previous;
    }
    const text = bundleText(outDir);
    expect(text).toContain('data-testid');
    expect(text).not.toContain(HOOK_MARK);
  }, 120_000);

  it('the test build the E2E suite opens has it', async () => {
    expect(bundleText(await ensureTestWebBuild())).toContain(HOOK_MARK);
  }, 120_000);
});

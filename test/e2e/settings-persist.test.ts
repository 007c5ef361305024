/**
 * Settings that last, as a presenter meets them: a volume and pan moved on the page, and the last
 * scenario, are there again after the engine restarts (web mode, real Chromium, one temp config
 * folder). Bugs this catches: the page never sending its changes (the file keeps the defaults), and
 * the page ignoring the saved settings on the next start (sliders and picker back to defaults).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEngine } from '../../src/main/engine';
import { launchBrowser } from '../../src/main/testing/browser';
import { ensureTestWebBuild } from '../../src/main/web/build';
import { until } from './app';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dialtone-settings-e2e-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One launch: the engine over the temp config folder and the page in Chromium. */
async function launch(act: (page: Page) => Promise<void>): Promise<void> {
  const staticDir = await ensureTestWebBuild();
  const engine = await startEngine({ staticDir, env: { DIALTONE_CONFIG_DIR: dir }, persistSettings: true });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${engine.httpUrl}/?token=${encodeURIComponent(engine.token)}`);
    await until(async () => (await page.getByTestId('voice-volume').count()) > 0, 'the lane');
    await act(page);
  } finally {
    await browser.close();
    await engine.close();
  }
}

describe('settings across a restart (web mode)', () => {
  it('volume and pan set on the page, and the last scenario, come back', async () => {
    await launch(async (page) => {
      await page.getByTestId('voice-volume').first().fill('0.3');
      await page.getByTestId('voice-pan').first().fill('-0.5');
      const file = path.join(dir, 'settings.json');
      await until(async () => {
        const text = await readFile(file, 'utf8').catch(() => '');
        return text.includes('"volume": 0.3') && text.includes('"pan": -0.5');
      }, 'the settings file to have the volume and pan');
    });
    // The last race, as the engine saves it when one starts.
    const file = path.join(dir, 'settings.json');
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(
      file,
      JSON.stringify({ ...saved, lastScenario: { scenario: 'support', lanes: [{ spec: 'fast' }] } }),
    );

    await launch(async (page) => {
      await until(
        async () => (await page.getByTestId('voice-volume').first().inputValue()) === '0.3',
        'the saved volume on the slider',
      );
      expect(await page.getByTestId('voice-pan').first().inputValue()).toBe('-0.5');
      await until(
        async () => (await page.getByTestId('race-scenario').inputValue()) === 'support',
        'the last scenario preselected',
      );
    });
  }, 90_000);
});

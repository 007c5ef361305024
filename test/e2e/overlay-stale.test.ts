/**
 * A stale overlay address, as OBS would open it after the engine restarted with a new token. The bug
 * pinned: Chromium reports the refused upgrade (401) only as close code 1006, so the /overlay page
 * showed nothing useful and the app's footer said "socket closed (code 1006)" forever. Now the page
 * asks the engine's token check and says in words that the address is out of date; and once the
 * engine is gone, that it is not running at its address.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../src/main/web/build';
import { openApp, type OpenApp } from './app';

let app: OpenApp;
let overlay: Page;

beforeAll(async () => {
  app = await openApp();
  await app.page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  overlay = await app.page
    .context()
    .browser()!
    .newPage({ viewport: { width: 1920, height: 1080 } });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const OUT_OF_DATE = 'This address is out of date (the engine restarted with a new token)';

describe('a stale overlay address', () => {
  it('/overlay with a token from an earlier launch says the address is out of date; with the engine stopped, that it is not running', async () => {
    const stale = new URL(app.engine.overlayUrl);
    stale.searchParams.set('token', 'a-viewer-token-from-an-earlier-launch-xxxxxxxx');
    await overlay.goto(stale.toString());
    const notice = overlay.getByTestId('overlay-connection');
    await expect
      .poll(() => notice.textContent(), { timeout: 15_000 })
      .toBe(`${OUT_OF_DATE}: copy the overlay address from the app again`);
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.getAttribute('data-problem')).toBe('token_refused');
    await overlay.screenshot({ path: join(REPO_ROOT, 'test-results', 'e2e-overlay-stale.png') });

    // The app page opened with an old control token says the same in its footer, not a close code.
    const appPage = await overlay.context().browser()!.newPage();
    const staleApp = new URL(app.engine.httpUrl);
    staleApp.searchParams.set('token', 'a-control-token-from-an-earlier-launch-xxxxxx');
    await appPage.goto(staleApp.toString());
    const status = appPage.getByTestId('connection-status');
    await expect.poll(() => status.getAttribute('data-problem'), { timeout: 15_000 }).toBe('token_refused');
    expect(await status.textContent()).toContain(OUT_OF_DATE);
    expect(await appPage.locator('footer').textContent()).not.toContain('1006');
    // …and where the lanes would be, instead of "Connecting to the engine…".
    expect(await appPage.locator('.placeholder').textContent()).toContain(OUT_OF_DATE);
    await appPage.screenshot({ path: join(REPO_ROOT, 'test-results', 'e2e-app-stale.png') });

    // The right viewer address follows the engine: no notice.
    const good = await overlay.context().browser()!.newPage();
    await good.goto(app.engine.overlayUrl);
    await expect.poll(() => good.getByTestId('overlay-connection').isVisible()).toBe(false);

    const port = app.engine.port;
    await app.stopEngine();
    await expect
      .poll(() => good.getByTestId('overlay-connection').textContent(), { timeout: 15_000 })
      .toBe(`The engine is not running at 127.0.0.1:${port}`);
    expect(await good.getByTestId('overlay-connection').isVisible()).toBe(true);
    await good.screenshot({ path: join(REPO_ROOT, 'test-results', 'e2e-overlay-engine-stopped.png') });
  });
});

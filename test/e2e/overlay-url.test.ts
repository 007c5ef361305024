/**
 * The /overlay URL as OBS uses it, in headless Chromium at 1920×1080: opened with the read-only
 * viewer token (the address the app shows), `lanes=` picks the lanes, `layout=compact` fits them on
 * one screen, spoken race lanes are labelled by their gaps, and a reload shows the last turn's
 * breakdown at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { EngineEvent } from '../../src/shared/protocol';
import { openApp, openEngineSocket, type EngineSocket, type OpenApp, until } from './app';

let app: OpenApp;
let page: Page;
let ws: EngineSocket;
const events: EngineEvent[] = [];

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  ws = await openEngineSocket(app, (event) => events.push(event));
}, 120_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
});

describe('the overlay URL', () => {
  it('the app shows the viewer-token overlay address; opened with lanes= and layout=compact it follows a spoken race', async () => {
    const shown = await page.getByTestId('overlay-url').inputValue();
    expect(shown).toBe(app.engine.overlayUrl);
    expect(shown).not.toContain(app.engine.token);
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.engine.httpUrl });
    await page.getByTestId('overlay-copy').click();
    await expect.poll(() => page.getByTestId('overlay-copy').textContent()).toBe('Copied');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(app.engine.overlayUrl);

    const race = async (prefix: string): Promise<void> => {
      ws.send({
        type: 'scenario.start',
        scenario: 'goodbye',
        lanes: [
          { laneId: `${prefix}1`, spec: 'sim:tps=2000,ttft=60,max=12', label: 'fast' },
          { laneId: `${prefix}2`, spec: 'sim:tps=400,ttft=200,max=12', label: 'gpu' },
          { laneId: `${prefix}3`, spec: 'sim:tps=900,ttft=100,max=12', label: 'mid' },
        ],
        speech: true,
        playback: 'client',
        maxTurns: 3,
      });
      await until(
        // Every lane of this race finished (scenario.finished comes once per lane).
        () =>
          events.filter((e) => e.type === 'scenario.finished' && e.laneId.startsWith(prefix)).length === 3,
        'the spoken race finished',
        90_000,
      );
    };
    const overlay = await page
      .context()
      .browser()!
      .newPage({ viewport: { width: 1920, height: 1080 } });
    const lanes = overlay.getByTestId('overlay-lane');

    // The page's audio not enabled (web mode before a click): the race speaks, but no player says
    // when it became audible. Such a lane used to be labelled "text only — no audio gap".
    expect(await page.evaluate('window.__dialtoneAudio.context().state')).not.toBe('running');
    await race('q');
    await overlay.goto(`${app.engine.overlayUrl}&lanes=q2`);
    await expect.poll(() => lanes.count()).toBe(1);
    const r2 = overlay.locator('[data-testid="overlay-lane"][data-lane-id="q2"]');
    await expect.poll(() => r2.getByTestId('history-bars').getAttribute('data-count')).not.toBe('0');
    expect(await r2.textContent()).not.toContain('text only');
    expect(await r2.getByTestId('gap-unmeasured').textContent()).toContain('spoken');
    expect(await r2.getByTestId('gap-label').textContent()).toContain('not measured');

    await page.getByTestId('enable-audio').click();
    await race('r');
    await overlay.goto(`${app.engine.overlayUrl}&lanes=r1,r2&layout=compact`);
    await expect.poll(() => lanes.count()).toBe(2);
    expect(await lanes.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-lane-id')))).toEqual([
      'r1',
      'r2',
    ]);
    for (const id of ['r1', 'r2']) {
      const lane = overlay.locator(`[data-testid="overlay-lane"][data-lane-id="${id}"]`);
      await expect.poll(() => lane.getByTestId('history-bars').getAttribute('data-count')).not.toBe('0');
      // A spoken race lane has gaps to show, not "text only".
      expect(await lane.textContent()).not.toContain('text only');
      expect(await lane.getByTestId('gap-p50').textContent()).toMatch(/\d/);
      // After a load, the waterfall shows the lane's last turn, not an empty chart.
      await expect.poll(() => lane.getByTestId('gap-counter').textContent()).toMatch(/\d/);
    }
    const height = await overlay.evaluate<number>('document.documentElement.scrollHeight');
    const width = await overlay.evaluate<number>('document.documentElement.scrollWidth');
    expect(height).toBeLessThanOrEqual(1080);
    expect(width).toBeLessThanOrEqual(1920);

    await overlay.goto(`${app.engine.overlayUrl}&layout=compact&lanes=lane-1,r1,r2,r3`);
    await expect.poll(() => lanes.count()).toBe(4);
    expect(await overlay.evaluate<number>('document.documentElement.scrollHeight')).toBeLessThanOrEqual(1080);
    await overlay.close();
  }, 180_000);
});

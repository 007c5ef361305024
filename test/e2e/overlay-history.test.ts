/**
 * The /overlay page after a (re)load, in headless Chromium: OBS reloads its browser source on scene
 * switches, and the page used to come back with empty history bars and no gap p50/p90. Opened after
 * two spoken turns it shows both at once; Clear on the app page empties that lane's history there too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openApp, openEngineSocket, spokenLane, type EngineSocket, type OpenApp, until } from './app';

let app: OpenApp;
let page: Page;
let laneId: string;
/** A second engine client, to configure the lane and count finished turns. */
let ws: EngineSocket;
const finished: string[] = [];

/** Types a message on the app page and waits for its turn's timeline. */
async function say(text: string): Promise<void> {
  const before = finished.length;
  const input = page.getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
  await until(() => finished.length > before, `the turn "${text}"`, 30_000);
}

const laneOn = (on: Page): Locator => on.locator(`[data-testid="overlay-lane"][data-lane-id="${laneId}"]`);
const barCount = (on: Page): Promise<string | null> =>
  laneOn(on).getByTestId('history-bars').getAttribute('data-count');

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  await page.getByTestId('overlay-lane').first().waitFor();
  laneId = (await page.getByTestId('overlay-lane').first().getAttribute('data-lane-id'))!;
  ws = await openEngineSocket(app, (event) => {
    if (event.type === 'turn.metrics' && event.laneId === laneId) finished.push(event.turnId);
  });
  // Short spoken replies: each turn has a gap, so the history has a p50 and p90 to show.
  await spokenLane(page, ws, laneId, 'sim:tps=2000,ttft=50,max=8', 'tps=2000');
}, 120_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
});

describe('overlay history on (re)load', () => {
  it('a page opened after two turns shows both; Clear empties it there too', async () => {
    await say('Hello there.');
    await say('And once more.');
    await expect.poll(() => barCount(page)).toBe('2');
    const p50 = await laneOn(page).getByTestId('gap-p50').textContent();
    const p90 = await laneOn(page).getByTestId('gap-p90').textContent();
    expect(p50).toMatch(/^[\d,]+ ms$/);

    const overlayPage = await page.context().browser()!.newPage();
    await overlayPage.goto(`${app.engine!.httpUrl}/overlay?token=${encodeURIComponent(app.engine!.token)}`);
    await laneOn(overlayPage).waitFor();
    await expect.poll(() => barCount(overlayPage)).toBe('2');
    expect(await laneOn(overlayPage).getByTestId('gap-p50').textContent()).toBe(p50);
    expect(await laneOn(overlayPage).getByTestId('gap-p90').textContent()).toBe(p90);
    expect(finished).toHaveLength(2); // no turn ran meanwhile: the page had them from the engine

    await page.getByTestId('reset-lane').click();
    await expect.poll(() => barCount(overlayPage)).toBe('0');
    expect(await laneOn(overlayPage).textContent()).toContain('no turns yet');
    await expect.poll(() => barCount(page)).toBe('0');

    // A reload after the Clear brings nothing back.
    await overlayPage.reload();
    await laneOn(overlayPage).waitFor();
    // Connected (the clock syncs after hello), and still nothing.
    await expect
      .poll(() => overlayPage.getByTestId('overlay-clock').textContent())
      .not.toBe('clock: not synced');
    expect(await barCount(overlayPage)).toBe('0');
    await overlayPage.close();
    expect(app.problems.consoleErrors).toEqual([]);
  }, 90_000);
});

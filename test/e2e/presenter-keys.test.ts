/**
 * The presenter's keys in headless Chromium at 1920×1080: `?` opens the list of keys, PageDown runs
 * the first step of the built-in talk demo (the goodbye race, fast vs gpu) and the strip then names
 * the next step, R during the race only asks "press R again" and a second R restarts it, Esc stops
 * it, and the ask-all box puts one question on every lane. Before the key map, R restarted a running
 * race at once, nothing stopped it from the keyboard and the clicker's keys did nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { EngineEvent } from '../../src/shared/protocol';
import { openApp, openEngineSocket, type EngineSocket, type OpenApp, until } from './app';

let app: OpenApp;
let page: Page;
let ws: EngineSocket;
const events: EngineEvent[] = [];

function ofType<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  ws = await openEngineSocket(app, (event) => events.push(event));
  await page.getByTestId('presenter-strip').waitFor();
}, 60_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
});

describe('presenter keys', () => {
  it('? lists every key, Esc closes the list', async () => {
    await page.keyboard.press('?');
    const help = page.getByTestId('key-help');
    await help.waitFor();
    for (const key of ['PageDown', 'Esc', 'R', 'F', '?']) expect(await help.textContent()).toContain(key);
    await page.screenshot({ path: 'test-results/presenter-keys-help.png' });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('PageDown runs the race step and the strip shows the next step; R twice restarts; Esc stops', async () => {
    expect(await page.getByTestId('demo-next').textContent()).toContain('Race goodbye: fast vs gpu');
    await page.keyboard.press('PageDown');
    await until(() => ofType('scenario.started').length === 1, 'scenario.started after PageDown');
    expect(ofType('scenario.started')[0]!.scenario).toBe('goodbye');
    await expect.poll(() => page.getByTestId('demo-current').textContent()).toContain('step 1/3');
    expect(await page.getByTestId('demo-next').textContent()).toContain('Ask every lane');

    await page.keyboard.press('r');
    await page.getByTestId('restart-hint').waitFor();
    await page.screenshot({ path: 'test-results/presenter-keys-restart.png' });
    await page.waitForTimeout(300);
    expect(ofType('scenario.started')).toHaveLength(1);
    await page.keyboard.press('r');
    await until(() => ofType('scenario.started').length === 2, 'the restart after a second R');

    // The page has the new race too (its Stop button is live again), not only this socket.
    await page.waitForTimeout(250);
    await expect.poll(() => page.getByTestId('race-stop').isEnabled()).toBe(true);
    const finishedBefore = ofType('scenario.finished').length;
    await page.keyboard.press('Escape');
    await until(
      () => ofType('scenario.finished').filter((f) => f.stoppedBy === 'stopped').length >= finishedBefore + 2,
      'both race lanes stopped after Esc',
    );
  });

  it('the ask-all box sends the question to every lane', async () => {
    const lanes = await page.getByTestId('lane').count();
    expect(lanes).toBeGreaterThanOrEqual(2);
    const question = 'Which is faster, a cheetah or a falcon?';
    await page.getByTestId('ask-both-input').fill(question);
    await page.screenshot({ path: 'test-results/presenter-keys-ask.png' });
    await page.getByTestId('ask-both-input').press('Enter');
    await until(
      () =>
        new Set(
          ofType('history.append')
            .filter((e) => e.entries.some((x) => x.role === 'user' && x.text === question))
            .map((e) => e.laneId),
        ).size === lanes,
      'the question on every lane',
    );
    expect(await page.getByTestId('ask-both-input').inputValue()).toBe('');
  });
});

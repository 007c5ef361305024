/**
 * The race end to end in headless Chromium: the R key starts the default race (goodbye, fast vs gpu,
 * panned left and right); a text race of the same lanes fills both conversations with speaker-tagged
 * lines, the race view's tracks advance, and both finish lines show, the fast lane first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { EngineEvent } from '../../src/shared/protocol';
import { openApp, openEngineSocket, type EngineSocket, type OpenApp, until } from './app';

let app: OpenApp;
let page: Page;
/** A second engine client (like a script): starts the text race and watches events. */
let ws: EngineSocket;
const events: EngineEvent[] = [];

function ofType<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  ws = await openEngineSocket(app, (event) => events.push(event));
  // The scenario select is filled from `scenario.list`, asked for on connect.
  await page.locator('[data-testid="race-scenario"] option[value="support"]').waitFor({ state: 'attached' });
}, 60_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
});

describe('race', () => {
  it('starts the default race with the R key, lanes panned left and right', async () => {
    await expect.poll(() => page.getByTestId('race-start').textContent()).toContain('Start goodbye race (R)');
    // Typing an "r" in a field does not start a race.
    const input = page.getByTestId('message-input').first();
    await input.focus();
    await input.press('r');
    await page.waitForTimeout(200);
    expect(ofType('scenario.started')).toHaveLength(0);
    await input.fill('');
    await input.blur();

    await page.keyboard.press('r');
    await until(() => ofType('scenario.started').length === 1, 'scenario.started after R');
    const started = ofType('scenario.started')[0]!;
    expect(started.scenario).toBe('goodbye');
    expect(started.speech).toBe(true);
    expect(started.lanes.map((l) => [l.laneId, l.label, l.spec])).toEqual([
      ['race-1', 'fast', expect.stringContaining('sim:')],
      ['race-2', 'gpu', expect.stringContaining('sim:')],
    ]);
    await page.locator('[data-testid="race-view"][data-scenario="goodbye"]').waitFor();
    await expect.poll(() => page.getByTestId('race-lane').count()).toBe(2);
    // A race puts the stage up; the pan sliders are in the setup view (key S).
    await page.locator('.app[data-view="stage"]').waitFor();
    await page.keyboard.press('s');
    await page.locator('.app[data-view="setup"]').waitFor();
    const pan = (laneId: string) =>
      page.locator(`[data-testid="lane"][data-lane-id="${laneId}"] [data-testid="voice-pan"]`).inputValue();
    await expect.poll(() => pan('race-1')).toBe('-0.7');
    await expect.poll(() => pan('race-2')).toBe('0.7');

    // Stop it and wait for its lanes to finish as stopped, so the next race starts clean.
    await page.getByTestId('race-stop').click();
    await until(
      () => ofType('scenario.finished').filter((e) => e.stoppedBy === 'stopped').length === 2,
      'the spoken race stopped',
    );
  }, 30_000);

  it('shows both lanes progress and finish, the fast lane first', async () => {
    const before = ofType('scenario.finished').length;
    ws.send({
      type: 'scenario.start',
      scenario: 'goodbye',
      lanes: [
        { spec: 'fast', label: 'fast' },
        { spec: 'gpu', label: 'gpu' },
      ],
      speech: false,
    });
    const lane = (id: string) => page.locator(`[data-testid="lane"][data-lane-id="${id}"]`);
    const track = (id: string) => page.locator(`[data-testid="race-lane"][data-lane-id="${id}"]`);
    // Both conversations fill with speaker-tagged lines while the tracks advance.
    await until(
      async () => (await lane('race-2').locator('[data-speaker="Ben"]').count()) > 0,
      'gpu lane: a line from Ben',
    );
    expect(Number(await track('race-2').getAttribute('data-turns'))).toBeGreaterThan(0);
    expect(await lane('race-1').locator('[data-speaker="Ada"]').count()).toBeGreaterThan(0);
    // The fast lane is ahead while the race runs.
    const midFast = Number(await track('race-1').getAttribute('data-turns'));
    const midGpu = Number(await track('race-2').getAttribute('data-turns'));
    expect(midFast).toBeGreaterThan(midGpu);

    await until(() => ofType('scenario.finished').length === before + 2, 'both lanes finished', 40_000);
    const finishes = ofType('scenario.finished').slice(before);
    expect(finishes.map((f) => f.label)).toEqual(['fast', 'gpu']);
    expect(finishes.every((f) => f.stoppedBy === 'goodbye')).toBe(true);

    const finish = (id: string) =>
      page.locator(`[data-testid="race-finish"][data-lane-id="${id}"][data-stopped-by="goodbye"]`);
    await finish('race-1').waitFor();
    await finish('race-2').waitFor();
    const fastMs = Number(await finish('race-1').getAttribute('data-total-ms'));
    const gpuMs = Number(await finish('race-2').getAttribute('data-total-ms'));
    expect(fastMs).toBeLessThan(gpuMs);
    for (const id of ['race-1', 'race-2']) {
      const f = finishes.find((e) => e.laneId === id)!;
      await expect.poll(() => finish(id).getByTestId('race-turns').textContent()).toBe(String(f.turns));
      expect(await finish(id).getByTestId('race-total').textContent()).toMatch(/^\d+\.\d s$/);
      expect(await finish(id).getByTestId('race-dead-air').textContent()).toMatch(/^\d+\.\d s$/);
      expect(await finish(id).getByTestId('race-mean-gap').textContent()).toMatch(/ms$/);
      // The lane's conversation holds every line, each tagged with its speaker.
      const lines = lane(id).locator('.msg[data-speaker]');
      await expect.poll(() => lines.count()).toBe(f.turns);
    }
    expect(await page.locator('.race-winner').getAttribute('data-lane-id')).toBe('race-1');
    // The overlay follows the race lanes too (the full overlay is in the setup view).
    await page.keyboard.press('s');
    await page.locator('.app[data-view="setup"]').waitFor();
    for (const id of ['race-1', 'race-2']) {
      await page.locator(`[data-testid="overlay-lane"][data-lane-id="${id}"]`).waitFor();
    }
    await expect.poll(() => page.getByTestId('race-lead').textContent()).toMatch(/^fast wins by \d+\.\d s$/);
    expect(app.problems.consoleErrors).toEqual([]);
    expect(app.problems.cspViolations).toEqual([]);
  }, 50_000);
});

/**
 * The presenter's keys in headless Chromium at 1920×1080: `?` opens the list of keys, PageDown runs
 * the first step of the built-in talk demo (the goodbye race, fast vs gpu) and the strip then names
 * the next step, R during the race only asks "press R again" and a second R restarts it, Esc stops
 * it, and the ask-all box puts one question on every lane — on stage only on the lanes on stage, its
 * label saying how many — and a demo step that cannot run says why on the strip until the next
 * step. Before: R restarted a running race at once, nothing stopped it from the keyboard, the
 * clicker's keys did nothing, the box asked lanes hidden from the stage ("Ask all 3" with two on
 * screen) and a failed step's reason was dropped.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { EngineEvent } from '../../src/shared/protocol';
import { openApp, openEngineSocket, type EngineSocket, type OpenApp, until } from './app';

let app: OpenApp;
let page: Page;
let ws: EngineSocket;
const events: EngineEvent[] = [];
/** The user's scenarios folder, with one demo script whose first step names a lane that is not there. */
const scenarios = mkdtempSync(join(tmpdir(), 'dialtone-demos-'));
mkdirSync(join(scenarios, 'demos'));
writeFileSync(
  join(scenarios, 'demos', 'zz-typo.yaml'),
  'title: A switch to a lane that is not there\nsteps:\n  - switch: { lane: cerebras, spec: cerebras }\n  - show: stage\n',
);

function ofType<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}

beforeAll(async () => {
  app = await openApp({ env: { DIALTONE_SCENARIOS: scenarios } });
  page = app.page;
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  ws = await openEngineSocket(app, (event) => events.push(event));
  await page.getByTestId('presenter-strip').waitFor();
}, 60_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
  rmSync(scenarios, { recursive: true, force: true });
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

  it('on stage the ask-all box asks the lanes on stage and says how many; in setup every lane', async () => {
    // After the race the stage shows its two lanes, not the default lane the race replaced; the box
    // once said "Ask all 3" and asked the hidden lane too.
    await page.locator('.app[data-view="stage"]').waitFor();
    const onStage = await page
      .locator('.stage-lane')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-lane-id')!));
    expect(onStage).toEqual(['race-1', 'race-2']);
    expect(await page.getByTestId('ask-both-send').textContent()).toBe('Ask all 2');
    const stageQuestion = 'Which lane answers first?';
    await page.getByTestId('ask-both-input').fill(stageQuestion);
    await page.screenshot({ path: 'test-results/presenter-keys-ask-stage.png' });
    await page.getByTestId('ask-both-input').press('Enter');
    const askedLanes = (): string[] =>
      ofType('history.append')
        .filter((e) => e.entries.some((x) => x.role === 'user' && x.text === stageQuestion))
        .map((e) => e.laneId);
    // The engine appends the question with its reply, when the turn ends (60 tok/s: many seconds).
    await until(() => new Set(askedLanes()).size === 2, 'the question on both stage lanes', 45_000);
    await page.waitForTimeout(300);
    expect(new Set(askedLanes())).toEqual(new Set(onStage));

    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('s');
    await page.locator('.app[data-view="setup"]').waitFor();
    const all = await page.getByTestId('lane').count();
    expect(all).toBe(3);
    expect(await page.getByTestId('ask-both-send').textContent()).toBe('Ask all 3');
  }, 60_000);

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
      45_000,
    );
    expect(await page.getByTestId('ask-both-input').inputValue()).toBe('');
  }, 60_000);

  it('a demo step that cannot run says why on the strip until the next step', async () => {
    // Before, runStep's reason was dropped: the clicker did nothing and the presenter never knew why.
    await page.getByTestId('demo-select').selectOption('zz-typo');
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('PageDown');
    const problem = page.getByTestId('demo-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(
      /^Step 1 did not run: There is no lane called "cerebras" \(the lanes are: .*fast, gpu\), so nothing was switched\.$/,
    );
    // On screen, even in the long setup page (the bar keeps to the bottom of the window).
    const box = await problem.boundingBox();
    expect(box && box.height > 0 && box.y >= 0 && box.y + box.height <= 1080).toBe(true);
    await page.screenshot({ path: 'test-results/presenter-keys-step-problem.png' });
    await page.keyboard.press('PageDown');
    await expect.poll(() => page.getByTestId('demo-current').textContent()).toContain('step 2/2');
    expect(await page.getByTestId('demo-problem').count()).toBe(0);
  });
});

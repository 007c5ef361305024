/**
 * The stage view in headless Chromium at 1920×1080 and 1280×720. Bugs it pins: the stage showed
 * backend pickers, knobs and spec fields; lanes named by raw spec strings; small type the back row
 * cannot read; a race squeezing its lanes in beside the existing one; a race track whose line total
 * changed mid-race; the message box half off-screen and lane content spilling out of its border.
 * Screenshots go to test-results/ (not committed).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { EngineEvent } from '../../src/shared/protocol';
import { appReady, openApp, openEngineSocket, type EngineSocket, type OpenApp, until } from './app';

let app: OpenApp;
let page: Page;
let ws: EngineSocket;
const events: EngineEvent[] = [];
const SHOTS = 'test-results';
/** An empty data folder: no speech model cached, as on a presenter's first run. */
const dataDir = mkdtempSync(join(tmpdir(), 'dialtone-stage-'));

/** Controls that belong to the setup view only. */
const SETUP_CONTROLS = [
  'preset-select',
  'spec-input',
  'knob-ttft',
  'knob-tps',
  'voice-pan',
  'voice-volume',
  'tts-select',
  'stt-select',
  'mic-device',
  'output-device',
  'add-lane',
  'race-scenario',
];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await openApp({ env: { DIALTONE_DATA_DIR: dataDir } });
  page = app.page;
  await page.setViewportSize({ width: 1920, height: 1080 });
  await appReady(page);
  ws = await openEngineSocket(app, (event) => events.push(event));
  await page.locator('[data-testid="race-scenario"] option[value="goodbye"]').waitFor({ state: 'attached' });
}, 60_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function count(testId: string): Promise<number> {
  return page.locator(`[data-testid="${testId}"]`).count();
}

/** Page-side code as text: this file is type-checked without the DOM's types. */
function inPage<T>(source: string): Promise<T> {
  return page.evaluate(source) as Promise<T>;
}

/** Font size in px of the first element matching `selector`. */
async function fontPx(selector: string): Promise<number> {
  return inPage(`parseFloat(getComputedStyle(document.querySelector(${JSON.stringify(selector)})).fontSize)`);
}

/** WCAG contrast of the element's text over the first opaque background behind it. */
async function contrast(selector: string): Promise<number> {
  return inPage(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const fg = rgb(getComputedStyle(el).color);
    let node = el;
    let bg = [0, 0, 0];
    while (node) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c; break; }
      node = node.parentElement;
    }
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  })()`);
}

/** Elements whose box leaves the viewport sideways, and stage lane content spilling out of its lane. */
async function overflowing(): Promise<string[]> {
  return inPage(`(() => {
    const bad = [];
    const width = window.innerWidth;
    const root = document.documentElement;
    if (root.scrollWidth > width + 1) bad.push('page ' + root.scrollWidth + 'px wide');
    const name = (el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + '[' + (el.getAttribute('data-testid') || '') + ']';
    for (const el of document.querySelectorAll('.app *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -1 || r.right > width + 1) bad.push(name(el) + ' ' + Math.round(r.left) + '…' + Math.round(r.right));
    }
    for (const lane of document.querySelectorAll('.stage-lane')) {
      const box = lane.getBoundingClientRect();
      for (const child of lane.children) {
        const r = child.getBoundingClientRect();
        if (r.right > box.right + 1 || r.bottom > box.bottom + 1) bad.push(name(child) + ' spills out of its lane');
      }
    }
    return bad;
  })()`);
}

/** Every message box on screen, whole. */
async function composerVisible(): Promise<boolean> {
  return inPage(`(() => {
    const inputs = [...document.querySelectorAll('[data-testid="message-input"]')];
    return inputs.length > 0 && inputs.every((el) => {
      const r = el.getBoundingClientRect();
      return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
    });
  })()`);
}

describe('stage view', () => {
  it('toggles with S: setup controls only in setup, the lane in plain words and large type on stage', async () => {
    await page.locator('.app[data-view="setup"]').waitFor();
    expect(await count('preset-select')).toBeGreaterThan(0);
    expect(await count('spec-input')).toBeGreaterThan(0);

    await page.keyboard.press('s');
    await page.locator('.app[data-view="stage"]').waitFor();
    for (const id of SETUP_CONTROLS) expect(await count(id), `${id} on stage`).toBe(0);
    // The default lane: its backend in words, never the raw spec.
    await expect
      .poll(() => page.getByTestId('stage-backend').first().textContent())
      .toBe('Fast inference · 2,000 tok/s');
    expect(await page.getByTestId('stage-view').textContent()).not.toContain('sim:');
    // The speech model the lane lacks is said on stage too, with its Download, before anyone speaks.
    await page.locator('.stage-lane [data-testid="model-needed"]').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/stage-first-run-1920x1080.png` });

    // Sound is off until a click; the stage offers it.
    await page.getByTestId('enable-audio').click();
    await expect.poll(() => page.evaluate('window.__dialtoneAudio.context().state')).toBe('running');
    // A typed question on stage: the counter shows how long the listener waited for the reply.
    await page.getByTestId('message-input').first().fill('Why is the sky blue?');
    await page.getByTestId('message-input').first().press('Enter');
    await expect
      .poll(() => page.getByTestId('stage-waiting').first().textContent(), { timeout: 15_000 })
      .toMatch(/^replied in \d+\.\d s$/);
    // Cut the spoken reply short: its timeline follows, and the silence breakdown shows its segments.
    await page.getByTestId('cancel-button').click();
    await page
      .locator('[data-testid="stage-breakdown"][data-empty="false"]')
      .first()
      .waitFor({ timeout: 15_000 });
    expect(await page.locator('.stage-segments li[data-segment="ttftMs"]').count()).toBe(1);
    await page.evaluate('document.activeElement && document.activeElement.blur()');

    await page.keyboard.press('s');
    await page.locator('.app[data-view="setup"]').waitFor();
    expect(await count('preset-select')).toBeGreaterThan(0);
    expect(await count('spec-input')).toBeGreaterThan(0);
    expect(await count('stage-view')).toBe(0);
  }, 40_000);

  it('a race puts the stage up with only its lanes, progress on a time axis, and the result in large type', async () => {
    const started = events.filter((e) => e.type === 'scenario.started').length;
    ws.send({
      type: 'scenario.start',
      scenario: 'goodbye',
      lanes: [
        { spec: 'fast', label: 'fast' },
        { spec: 'gpu', label: 'gpu' },
      ],
      speech: false,
    });
    await until(() => events.filter((e) => e.type === 'scenario.started').length > started, 'race started');
    await page.locator('.app[data-view="stage"]').waitFor();
    // The race replaces the stage's lanes: the default lane is not squeezed in beside them.
    await expect
      .poll(() =>
        page.locator('.stage-lane').evaluateAll((els) => els.map((el) => el.getAttribute('data-lane-id'))),
      )
      .toEqual(['race-1', 'race-2']);
    expect(await page.getByTestId('race-backend').allTextContents()).toEqual([
      'Fast inference · 2,000 tok/s',
      'Typical GPU serving · 60 tok/s',
    ]);

    // While it runs: the count never claims a total, the axis never shrinks, a tick per line.
    let axis = 0;
    let midShot = false;
    const finished = (): number => events.filter((e) => e.type === 'scenario.finished').length;
    const before = finished();
    const deadline = Date.now() + 60_000;
    while (finished() < before + 2) {
      if (Date.now() > deadline) throw new Error('the race did not finish');
      const counts = await page.getByTestId('race-count').allTextContents();
      for (const c of counts) expect(c).toMatch(/^\d+ lines?$/);
      // The first lane over the line, while the other still runs, is not "+0.0 s" behind itself.
      for (const r of await page.locator('.race-result').allTextContents()) expect(r).not.toBe('+0.0 s');
      const a = Number(await page.locator('.race-track').first().getAttribute('data-axis-ms'));
      expect(a).toBeGreaterThanOrEqual(axis);
      axis = a;
      const lane = page.locator('[data-testid="race-lane"][data-lane-id="race-2"]');
      const turns = Number(await lane.getAttribute('data-turns'));
      expect(await lane.locator('.race-tick').count()).toBeGreaterThanOrEqual(turns);
      // While both run, both fills are the same race time: a slower lane's bar is never ahead.
      const fills = await inPage<
        { running: boolean; share: number }[]
      >(`[...document.querySelectorAll('[data-testid="race-lane"]')].map((el) => ({
        running: el.getAttribute('data-finished') === 'false',
        share: el.querySelector('.race-fill').getBoundingClientRect().width / el.querySelector('.race-track').getBoundingClientRect().width,
      }))`);
      if (fills.every((f) => f.running))
        expect(Math.abs(fills[0]!.share - fills[1]!.share)).toBeLessThan(0.01);
      const finishedShare = fills.find((f) => !f.running)?.share;
      const runningShare = fills.find((f) => f.running)?.share;
      if (finishedShare !== undefined && runningShare !== undefined)
        expect(runningShare).toBeGreaterThanOrEqual(finishedShare - 0.01);
      if (!midShot && turns >= 3) {
        midShot = true;
        await page.screenshot({ path: `${SHOTS}/stage-race-running-1920x1080.png` });
        // A 1280×720 projector mid-race: the race, the ask-all box and the demo strip once left each
        // transcript about 100 px; the transcript keeps room to read a reply.
        await page.setViewportSize({ width: 1280, height: 720 });
        await page.waitForTimeout(300);
        await page.screenshot({ path: `${SHOTS}/stage-race-running-1280x720.png` });
        const heights = await inPage<number[]>(
          `[...document.querySelectorAll('.stage-lane .conversation')].map((el) => el.getBoundingClientRect().height)`,
        );
        expect(heights).toHaveLength(2);
        for (const h of heights)
          expect(h, 'transcript height at 1280×720 mid-race').toBeGreaterThanOrEqual(240);
        expect(await composerVisible(), 'composer visible at 1280×720 mid-race').toBe(true);
        expect(await overflowing(), 'overflow at 1280×720 mid-race').toEqual([]);
        await page.setViewportSize({ width: 1920, height: 1080 });
      }
      await page.waitForTimeout(250);
    }
    await expect
      .poll(() => page.getByTestId('race-lead').textContent(), { timeout: 10_000 })
      .toMatch(/^fast wins by \d+\.\d s$/);
    await page.locator('[data-testid="stage-breakdown"][data-empty="false"]').first().waitFor();

    for (const size of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 720 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}/stage-${size.width}x${size.height}.png` });
      expect(await overflowing(), `overflow at ${size.width}×${size.height}`).toEqual([]);
      expect(await composerVisible(), `composer visible at ${size.width}×${size.height}`).toBe(true);
      if (size.height === 1080) {
        for (const sel of [
          '[data-testid="race-lead"]',
          '[data-testid="race-elapsed"]',
          '.race-winner .race-result',
          '[data-testid="race-dead-air"]',
          '[data-testid="stage-waiting"]',
        ]) {
          expect(await fontPx(sel), `${sel} size`).toBeGreaterThanOrEqual(48);
        }
        expect(await fontPx('.stage-lane .msg'), 'transcript size').toBeGreaterThanOrEqual(28);
        for (const sel of ['[data-testid="stage-backend"]', '.stage-breakdown', '.race-stat']) {
          expect(await fontPx(sel), `${sel} size`).toBeGreaterThanOrEqual(20);
        }
        for (const sel of [
          '[data-testid="race-lead"]',
          '[data-testid="stage-waiting"]',
          '.stage-lane .msg',
          '[data-testid="stage-backend"]',
          '.stage-segments li',
          '.race-stat',
          '.race-spec',
        ]) {
          expect(await contrast(sel), `${sel} contrast`).toBeGreaterThanOrEqual(4.5);
        }
      }
      for (const id of SETUP_CONTROLS) expect(await count(id), `${id} on stage`).toBe(0);
    }
    expect(app.problems.consoleErrors).toEqual([]);
    expect(app.problems.cspViolations).toEqual([]);
  }, 90_000);
});

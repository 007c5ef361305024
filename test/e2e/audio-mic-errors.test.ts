/**
 * What a presenter sees when the microphone fails: permission denied, no device, and a device that
 * disappears mid-talk — each a clear message — and recovery when a device comes back. getUserMedia
 * is wrapped before the page loads so each failure can be produced on demand; otherwise Chromium's
 * fake microphone answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/main/web/build';
import { appReady, type OpenApp, openApp } from './app';

let app: OpenApp;
let page: Page;

// Runs before the page's scripts (the page's CSP does not apply to init scripts).
const WRAP_GET_USER_MEDIA = `(() => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  window.__micFailure = null;
  md.getUserMedia = async (constraints) => {
    if (window.__micFailure) throw new DOMException('simulated', window.__micFailure);
    const stream = await real(constraints);
    window.__lastStream = stream;
    return stream;
  };
})()`;

async function micStatus(): Promise<string | null> {
  return page.getByTestId('mic-status').getAttribute('data-status');
}

beforeAll(async () => {
  app = await openApp({
    browserArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
    initScript: WRAP_GET_USER_MEDIA,
  });
  page = app.page;
  await appReady(page);
}, 90_000);

afterAll(async () => {
  await app?.close();
});

describe('microphone failures', () => {
  it('permission denied: says so and how to fix it; typing still works', async () => {
    await page.evaluate(`window.__micFailure = 'NotAllowedError'`);
    await page.getByTestId('mic-mode-open').click();
    await expect.poll(micStatus).toBe('denied');
    const message = page.getByTestId('mic-message');
    expect(await message.getAttribute('role')).toBe('alert');
    expect(await message.innerText()).toMatch(/Microphone access was denied\. Allow the microphone/);
    expect(await page.getByTestId('message-input').isEnabled()).toBe(true);
    // For a human look (test-results/ is not committed).
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'e2e-mic-denied.png') });
  });

  it('no microphone: says so, then picks one up when it appears', async () => {
    await page.evaluate(`window.__micFailure = 'NotFoundError'`);
    await page.getByTestId('mic-mode-off').click();
    await page.getByTestId('mic-mode-open').click();
    await expect.poll(micStatus).toBe('no-device');
    expect(await page.getByTestId('mic-message').innerText()).toMatch(/No microphone found/);
    // A device is plugged in.
    await page.evaluate(
      `window.__micFailure = null; navigator.mediaDevices.dispatchEvent(new Event('devicechange'))`,
    );
    await expect.poll(micStatus, { timeout: 10_000 }).toBe('on');
    expect(await page.getByTestId('mic-message').count()).toBe(0);
    await expect.poll(() => page.evaluate('window.__dialtoneAudio.framesSent()')).toBeGreaterThan(5);
  });

  it('device unplugged mid-talk: says so, and recovers when it comes back', async () => {
    await page.evaluate(`window.__lastStream.getAudioTracks()[0].dispatchEvent(new Event('ended'))`);
    await expect.poll(micStatus).toBe('lost');
    expect(await page.getByTestId('mic-message').innerText()).toMatch(/microphone was disconnected/);
    const sent = (await page.evaluate('window.__dialtoneAudio.framesSent()')) as number;
    await page.waitForTimeout(300);
    expect(await page.evaluate('window.__dialtoneAudio.framesSent()')).toBe(sent);
    await page.evaluate(`navigator.mediaDevices.dispatchEvent(new Event('devicechange'))`);
    await expect.poll(micStatus, { timeout: 10_000 }).toBe('on');
    await expect.poll(() => page.evaluate('window.__dialtoneAudio.framesSent()')).toBeGreaterThan(sent + 5);
  });

  it('logged no console errors and no CSP violations', () => {
    expect(app.problems.consoleErrors).toEqual([]);
    expect(app.problems.cspViolations).toEqual([]);
  });
});

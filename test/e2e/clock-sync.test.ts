/**
 * Clock sync on loopback, checked against the engine: the page's error bound is small, and a time
 * the page stamps on the engine clock (push-to-talk press) lands within that bound of when the engine
 * actually received it (minus nothing: the message cannot arrive before it was sent).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../src/main/web/build';
import type { ClientMessage } from '../../src/shared/protocol';
import { appReady, type OpenApp, openApp, tapClientMessages } from './app';
import { fakeMicArgs } from '../../src/main/testing/browser';

/** A loopback socket hop, page → engine, for the fastest of ten messages: ~1 ms idle; room for a busy machine. */
const HOP_MARGIN_MS = 10;

let app: OpenApp;
let page: Page;
const presses: { msg: Extract<ClientMessage, { type: 'mic.ptt' }>; receivedMs: number }[] = [];

beforeAll(async () => {
  const wav = join(REPO_ROOT, 'test', 'fixtures', 'speech', 'speech-44k-stereo.wav');
  app = await openApp({
    browserArgs: fakeMicArgs(wav),
  });
  page = app.page;
  tapClientMessages(app, (msg, receivedMs) => {
    if (msg.type === 'mic.ptt') presses.push({ msg, receivedMs });
  });
  await appReady(page);
}, 90_000);

afterAll(async () => {
  await app?.close();
});

describe('clock sync', () => {
  it('keeps the error bound within 2 ms on loopback', async () => {
    await expect
      .poll(
        async () =>
          Number(/± (\d+\.\d+) ms/.exec((await page.getByTestId('clock-sync').textContent()) ?? '')?.[1]),
        {
          timeout: 15_000,
        },
      )
      .toBeLessThanOrEqual(2);
  });

  it('page-stamped engine times match when the engine received them', async () => {
    await page.getByTestId('mic-mode-ptt').click();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 5; i++) {
      await page.keyboard.down('Space');
      await page.waitForTimeout(150);
      await page.keyboard.up('Space');
      await page.waitForTimeout(100);
    }
    await expect.poll(() => presses.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(10);
    const bound = Number(
      /± (\d+\.\d+) ms/.exec((await page.getByTestId('clock-sync').textContent()) ?? '')?.[1],
    );
    const lags = presses.map((p) => p.receivedMs - p.msg.atMs);
    // Never received before it was sent (beyond the bound) — the property the sync guarantees. How
    // much later is a socket hop plus however busy this shared machine is, so only the median is bounded.
    for (const lag of lags) expect(lag).toBeGreaterThanOrEqual(-bound - 1);
    lags.sort((a, b) => a - b);
    expect(lags[Math.floor(lags.length / 2)]).toBeLessThan(50);
    // Nor much later than the bound allows: the fastest of the ten presses crossed the idle loopback
    // socket in about a millisecond, so its lag is the sync's error plus that hop. A page whose engine
    // time ran ~48 ms early passed the median check above; here it fails (best of ten, as in
    // test/unit/sim-pacing.test.ts: one press held up by a busy machine cannot fail it).
    expect(lags[0]).toBeLessThanOrEqual(bound + HOP_MARGIN_MS);
  });
});

/**
 * Live transcript while speaking, in the page: the fake microphone says "I was thinking about the
 * weather and", pauses 450 ms, then "whether it will rain tomorrow." The lane transcribes at the pause
 * (an OpenAI-compatible STT stand-in of 100 ms on 127.0.0.1), the words show as a partial transcript
 * while the speaker goes on, and the final text replaces them. Catches: nothing shown until the
 * endpoint, the partial never replaced, and a trailing-off pause taken for the end.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../src/main/web/build';
import { fakeMicArgs } from '../../src/main/testing/browser';
import {
  fixturePhrases,
  startDelayedSttServer,
  type DelayedSttServer,
} from '../../src/main/testing/stt-stand-in';
import type { EngineEvent } from '../../src/shared/protocol';
import { appReady, openApp, openEngineSocket, type EngineSocket, type OpenApp } from './app';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'speech', 'turn-trailing-and.wav');
const [FIRST, SECOND] = fixturePhrases(FIXTURE);

let app: OpenApp;
let page: Page;
let ws: EngineSocket;
let stt: DelayedSttServer;
const events: EngineEvent[] = [];

beforeAll(async () => {
  // The page resamples the capture, so the stand-in goes by length: the first phrase with its pre-roll
  // and pause is under 2.6 s of audio, both phrases well over it.
  stt = await startDelayedSttServer({
    delayMs: 100,
    transcriptFor: (audio) => (audio.length < 2.6 * 16_000 ? FIRST!.text : `${FIRST!.text} ${SECOND!.text}`),
  });
  app = await openApp({ browserArgs: fakeMicArgs(FIXTURE) });
  page = app.page;
  await appReady(page);
  ws = await openEngineSocket(app, (event) => events.push(event));
}, 90_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
  await stt?.close();
});

describe('live transcript', () => {
  it('shows the words said so far while the speaker goes on, then the final text', async () => {
    const lane = page.getByTestId('lane').first();
    const laneId = (await lane.getAttribute('data-lane-id'))!;
    ws.send({ type: 'lane.speech', laneId, stt: stt.spec, tts: 'none' });
    for (const id of ['mic-ec', 'mic-ns', 'mic-agc']) await page.getByTestId(id).uncheck();
    await page.getByTestId('mic-mode-open').click();

    const partial = lane.locator('[data-testid="transcript"].partial', { hasText: FIRST!.text });
    await partial.waitFor({ timeout: 20_000 });
    const full = `${FIRST!.text} ${SECOND!.text}`;
    await lane
      .locator('[data-testid="transcript"]:not(.partial)', { hasText: full })
      .waitFor({ timeout: 10_000 });
    // The pause inside the request did not end it: the engine's final transcript is the whole of it.
    // (The capture may begin anywhere in the looping file, so earlier fragments are not counted.)
    const finals = events.flatMap((e) => (e.type === 'stt.final' && e.laneId === laneId ? [e.text] : []));
    expect(finals).toContain(full);
  }, 60_000);

  it('shows the words being said on stage too, in the transcript’s large type', async () => {
    // The fixture loops: the next time the speaker pauses, the stage shows the words so far.
    await page.keyboard.press('s');
    await page.getByTestId('stage-view').waitFor();
    const words = page.getByTestId('stage-partial').filter({ hasText: FIRST!.text });
    await words.waitFor({ timeout: 20_000 });
    // Read in the page from the element found (the node tsconfig has no DOM types, hence the cast).
    const px = await words.evaluate((el) => {
      const page = globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } };
      return parseFloat(page.getComputedStyle(el).fontSize);
    });
    expect(px).toBeGreaterThanOrEqual(20);
    await page.screenshot({ path: 'test-results/stage-partial.png' });
  }, 40_000);
});

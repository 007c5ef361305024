/**
 * Voice in, through the engine's VAD: the speech fixture as the fake microphone (one utterance at
 * 400–900 ms in a 1.3 s file that loops) must give alternating vad.start / vad.end with the
 * utterance's length and the loop's period, and the lane must show the user speaking.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../src/main/web/build';
import type { ClientMessage } from '../../src/shared/protocol';
import { appReady, type OpenApp, openApp, tapClientMessages } from './app';
import { fakeMicArgs } from '../../src/main/testing/browser';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'speech', 'speech-44k-stereo.wav');
/** 57,223 frames at 44.1 kHz. */
const LOOP_MS = (57_223 / 44_100) * 1000;
/** Voiced region of the fixture (truth.json). */
const SPEECH_MS = 900 - 400;

let app: OpenApp;
let page: Page;
const fromClient: { msg: ClientMessage; atMs: number }[] = [];

interface VadEntry {
  type: string;
  atMs: number;
}

async function vadLog(): Promise<VadEntry[]> {
  const log = (await page.evaluate('window.__dialtoneAudio.log()')) as VadEntry[];
  return log.filter((e) => e.type === 'vad.start' || e.type === 'vad.end');
}

beforeAll(async () => {
  app = await openApp({
    browserArgs: fakeMicArgs(FIXTURE),
  });
  page = app.page;
  tapClientMessages(app, (msg, atMs) => fromClient.push({ msg, atMs }));
  await appReady(page);
}, 90_000);

afterAll(async () => {
  await app?.close();
});

describe('voice activity from the microphone', () => {
  it('open mic: the lane listens, then hears each utterance start and end', async () => {
    for (const id of ['mic-ec', 'mic-ns', 'mic-agc']) await page.getByTestId(id).uncheck();
    await page.getByTestId('mic-mode-open').click();
    await page.locator('[data-testid="mic-status"][data-status="on"]').waitFor({ timeout: 10_000 });
    const lane = page.getByTestId('lane').first();
    // The UI shows the user speaking at some point (the utterance lasts 0.5 s of every 1.3 s).
    await lane.locator('[data-testid="voice-state"][data-vad="speech"]').waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => (await vadLog()).length, { timeout: 15_000, interval: 200 })
      .toBeGreaterThanOrEqual(9);

    const events = await vadLog();
    // Capture may begin mid-utterance: skip to the second start, then strictly start, end, start…
    const from = events.findIndex((e, i) => e.type === 'vad.start' && i > 0);
    const seq = events.slice(from, from + 6);
    seq.forEach((e, i) => expect(e.type).toBe(i % 2 === 0 ? 'vad.start' : 'vad.end'));
    const starts = seq.filter((e) => e.type === 'vad.start').map((e) => e.atMs);
    const ends = seq.filter((e) => e.type === 'vad.end').map((e) => e.atMs);
    const lengths = starts.map((s, i) => ends[i]! - s);
    const periods = starts.slice(1).map((s, i) => s - starts[i]!);
    console.log(
      `VAD segments ${lengths.map((l) => l.toFixed(0)).join(', ')} ms (truth ${SPEECH_MS}); ` +
        `period ${periods.map((p) => p.toFixed(0)).join(', ')} ms (loop ${LOOP_MS.toFixed(0)})`,
    );
    // ±120 ms per edge (the VAD issue's tolerance), so ±240 on a length.
    for (const l of lengths) expect(Math.abs(l - SPEECH_MS)).toBeLessThan(240);
    // Start to start is the file's loop: the capture timestamps keep real time.
    for (const p of periods) expect(Math.abs(p - LOOP_MS)).toBeLessThan(100);
  });

  it('push-to-talk: holding Space sends mic.ptt down/up on the engine clock; Space in a text box types', async () => {
    await page.getByTestId('mic-mode-ptt').click();
    await expect
      .poll(() => fromClient.some((m) => m.msg.type === 'mic.mode' && m.msg.mode === 'ptt'))
      .toBe(true);
    await page.evaluate('document.activeElement?.blur()');
    const ptt = () =>
      fromClient.filter(
        (m): m is { msg: Extract<ClientMessage, { type: 'mic.ptt' }>; atMs: number } =>
          m.msg.type === 'mic.ptt',
      );
    await page.keyboard.down('Space');
    await page.getByTestId('voice-state').filter({ hasText: 'Space held' }).waitFor();
    await page.waitForTimeout(300);
    await page.keyboard.up('Space');
    await expect.poll(() => ptt().length).toBe(2);
    const [down, up] = ptt();
    expect(down!.msg.down).toBe(true);
    expect(up!.msg.down).toBe(false);
    // Stamped with the engine clock at the key press: it arrives soon after.
    expect(down!.atMs - down!.msg.atMs).toBeGreaterThan(-5);
    expect(down!.atMs - down!.msg.atMs).toBeLessThan(200);
    expect(up!.msg.atMs - down!.msg.atMs).toBeGreaterThan(250);

    const input = page.getByTestId('message-input');
    await input.focus();
    await input.press('Space');
    expect(await input.inputValue()).toBe(' ');
    await page.waitForTimeout(100);
    expect(ptt().length).toBe(2);
    await input.fill('');
  });

  it('logged no console errors and no CSP violations', () => {
    expect(app.problems.consoleErrors).toEqual([]);
    expect(app.problems.cspViolations).toEqual([]);
  });
});

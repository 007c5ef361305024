/**
 * Microphone capture end to end: headless Chromium's fake microphone plays a known WAV (44.1 kHz
 * stereo, looped); the engine must receive that sound as 16 kHz mono PCM16 in 512-sample frames,
 * numbered without gaps and stamped with capture times on the engine clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AudioFrame } from '../../src/shared/audio-frames';
import { systemClock } from '../../src/main/engine/clock';
import { REPO_ROOT } from '../../src/main/web/build';
import { appReady, type OpenApp, openApp } from './app';
import { ncc, noisePartials, PERIOD_S, render, writeWav } from './audio-signal';
import { fakeMicArgs } from '../../src/main/testing/browser';

const FILE_RATE = 44_100;
const OUT_RATE = 16_000;
// Different noise left and right: the engine must get their average (the downmix).
const LEFT = noisePartials(1, 120, 150, 5_500, 0.2);
const RIGHT = noisePartials(2, 120, 150, 5_500, 0.2);
const MONO = [...LEFT, ...RIGHT].map((p) => ({ ...p, amp: p.amp / 2 }));

let dir: string;
let app: OpenApp;
let page: Page;
const received: { frame: AudioFrame; atMs: number }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dialtone-capture-'));
  const wav = join(dir, 'mic.wav');
  const n = FILE_RATE * PERIOD_S;
  writeWav(wav, FILE_RATE, [render(LEFT, FILE_RATE, n), render(RIGHT, FILE_RATE, n)]);
  app = await openApp({
    browserArgs: fakeMicArgs(wav),
  });
  page = app.page;
  await appReady(page);
  app.engine!.engine.onAudioIn((frame) => received.push({ frame, atMs: systemClock.now() }));
}, 90_000);

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('microphone capture', () => {
  it('sends the fake microphone to the engine as 16 kHz mono frames that match the file', async () => {
    // Raw sound for the comparison: no echo cancellation, noise suppression or auto gain.
    for (const id of ['mic-ec', 'mic-ns', 'mic-agc']) {
      await page.getByTestId(id).uncheck();
      expect(await page.getByTestId(id).isChecked()).toBe(false);
    }
    await page.getByTestId('mic-mode-open').click();
    await page.locator('[data-testid="mic-status"][data-status="on"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => received.length, { timeout: 15_000, interval: 100 }).toBeGreaterThan(110);
    const frames = received.slice(0, 110);
    const laneId = await page.getByTestId('lane').first().getAttribute('data-lane-id');

    for (const { frame } of frames) {
      expect(frame.laneId).toBe(laneId);
      expect(frame.sampleRate).toBe(OUT_RATE);
      expect(frame.samples.length).toBe(512);
      expect(frame.turn).toBe(0);
    }
    for (let i = 1; i < frames.length; i++) {
      expect(frames[i]!.frame.seq).toBe(frames[i - 1]!.frame.seq + 1);
      // 512 samples at 16 kHz = 32 ms; the audio-clock mapping moves when it finds a truer output
      // timestamp (a step of a few ms on a busy machine), never by a frame.
      expect(Math.abs(frames[i]!.frame.atMs - frames[i - 1]!.frame.atMs - 32)).toBeLessThan(12);
    }
    const spanMs = frames.at(-1)!.frame.atMs - frames[0]!.frame.atMs;
    expect(spanMs / (frames.length - 1)).toBeCloseTo(32, 0);

    // Capture → engine: from the frame's last sample being captured to its arrival in the engine.
    const latencies = frames.map(({ frame, atMs }) => atMs - (frame.atMs + 32)).sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)]!;
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    console.log(`capture → engine latency: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    expect(latencies[0]!).toBeGreaterThan(-10);
    expect(p50).toBeLessThan(150);

    // The PCM: concatenated frames against the file's signal evaluated exactly at 16 kHz.
    const pcm = Float64Array.from(frames.flatMap(({ frame }) => Array.from(frame.samples, (s) => s / 32768)));
    const period = OUT_RATE * PERIOD_S;
    const ref = render(MONO, OUT_RATE, period);
    // Coarse: the whole-sample lag of a 250 ms window somewhere in the loop.
    const start = OUT_RATE; // skip the first second (device start-up)
    const window = 4_000;
    let best = { lag: 0, score: -Infinity };
    for (let lag = 0; lag < period; lag++) {
      let score = 0;
      for (let i = 0; i < window; i++) score += pcm[start + i]! * ref[(lag + i) % period]!;
      if (score > best.score) best = { lag, score };
    }
    // Fine: the capture starts at an arbitrary point between two 16 kHz samples.
    let fine = { offset: 0, r: -Infinity };
    const seg = pcm.subarray(start, start + window);
    for (let d = -0.5; d <= 0.5; d += 0.05) {
      const r = ncc(seg, render(MONO, OUT_RATE, window, (best.lag + d) / OUT_RATE));
      if (r > fine.r) fine = { offset: d, r };
    }
    // Whole received signal after start-up, aligned.
    const from = OUT_RATE / 2;
    const aligned = render(
      MONO,
      OUT_RATE,
      pcm.length - from,
      (best.lag + fine.offset - (start - from)) / OUT_RATE,
    );
    const r = ncc(pcm.subarray(from), aligned);
    console.log(
      `capture correlation ${r.toFixed(4)} (lag ${best.lag}${fine.offset >= 0 ? '+' : ''}${fine.offset.toFixed(2)})`,
    );
    expect(r).toBeGreaterThanOrEqual(0.9);
  });

  it('paints a level meter while capturing', async () => {
    const meter = page.locator('[data-testid="mic-meter"] .meter-bar');
    await expect
      .poll(async () =>
        Number(/scaleX\(([\d.]+)\)/.exec((await meter.getAttribute('style')) ?? '')?.[1] ?? 0),
      )
      .toBeGreaterThan(0.3);
    // For a human look at the layout (test-results/ is not committed).
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'e2e-audio.png') });
  });

  it('mic off stops the frames', async () => {
    await page.getByTestId('mic-mode-off').click();
    await page.locator('[data-testid="mic-status"][data-status="off"]').waitFor();
    await page.waitForTimeout(150);
    const count = received.length;
    await page.waitForTimeout(300);
    expect(received.length).toBe(count);
  });

  it('logged no console errors and no CSP violations', () => {
    expect(app.problems.consoleErrors).toEqual([]);
    expect(app.problems.cspViolations).toEqual([]);
  });
});

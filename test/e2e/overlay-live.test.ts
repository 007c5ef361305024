/**
 * The latency-budget overlay end to end in headless Chromium: the waterfall grows and the gap
 * counter runs during a spoken turn, history and p50 follow, the what-if matches `gapAt`, the
 * roofline gives ~24 tok/s for 70B FP16 on an H100, exports download (JSON, CSV with each turn's
 * words as said and heard, a non-blank PNG),
 * /overlay is transparent and follows another page's turn, and frame times while a lane streams
 * 20,000 tok/s.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TurnTimeline } from '../../src/shared/metrics';
import { gapAt } from '../../src/shared/what-if';
import { openApp, openEngineSocket, spokenLane, type EngineSocket, type OpenApp, until } from './app';
import { parseCsv } from '../helpers/csv';

let app: OpenApp;
let page: Page;
let laneId: string;
/** A second engine client (like a script), to configure lanes and watch timelines. */
let ws: EngineSocket;
const timelines: { laneId: string; turnId: string; timeline: TurnTimeline }[] = [];
/** Each turn's conversation entries as the engine sent them (what the exports' words must match). */
const entries = new Map<string, { role: string; text: string }[]>();

async function say(text: string): Promise<void> {
  const input = page.getByTestId('message-input');
  await input.fill(text);
  await input.press('Enter');
}

interface ImageStats {
  w: number;
  h: number;
  /** Variance of the pixels' grey level (0–255 scale). */
  variance: number;
  /** Share of fully transparent pixels. */
  clear: number;
}

/** Decodes a PNG in the page and measures it. */
async function imageStats(on: Page, png: Buffer): Promise<ImageStats> {
  return (await on.evaluate(`(async () => {
    // No fetch(data:…): the page's CSP limits connect-src.
    const bin = atob('${png.toString('base64')}');
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const blob = new Blob([bytes], { type: 'image/png' });
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let sum = 0, sq = 0, clear = 0;
    const n = px.length / 4;
    for (let i = 0; i < px.length; i += 4) {
      const v = (px[i] + px[i + 1] + px[i + 2]) / 3;
      sum += v;
      sq += v * v;
      if (px[i + 3] === 0) clear++;
    }
    const mean = sum / n;
    return { w: bitmap.width, h: bitmap.height, variance: sq / n - mean * mean, clear: clear / n };
  })()`)) as ImageStats;
}

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor();
  await page.getByTestId('overlay-lane').first().waitFor();
  laneId = (await page.getByTestId('overlay-lane').first().getAttribute('data-lane-id'))!;
  ws = await openEngineSocket(app, (event) => {
    if (event.type === 'turn.metrics') timelines.push(event as never);
    if (event.type === 'history.append') entries.set(event.turnId, event.entries);
  });
  // A known, slowish backend so the live waterfall has time to be seen; espeak speaks the reply.
  await spokenLane(page, ws, laneId, 'sim:tps=80,ttft=400', 'tps=80');
}, 120_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
});

describe('latency overlay', () => {
  it('grows the waterfall live and runs the gap counter, then shows history and p50', async () => {
    const counter = page.getByTestId('gap-counter').first();
    await say('Tell me about the history of tea');
    await until(async () => (await counter.getAttribute('data-running')) === 'true', 'gap counter running');
    const first = Number(await counter.getAttribute('data-ms'));
    await page.waitForTimeout(200);
    const second = Number(await counter.getAttribute('data-ms'));
    expect(second).toBeGreaterThan(first);
    // Segments appear as they happen: TTFT first, later the first chunk and TTS.
    await until(
      async () =>
        ((await page.getByTestId('waterfall').first().getAttribute('data-segments')) ?? '').includes(
          'ttftMs',
        ),
      'TTFT segment',
    );
    await until(
      async () =>
        ((await page.getByTestId('waterfall').first().getAttribute('data-segments')) ?? '').includes(
          'firstChunkMs',
        ),
      'first-chunk segment',
    );
    await until(() => timelines.length >= 1, 'turn.metrics', 40_000);
    const t = timelines[0]!.timeline;
    expect(t.gapMs).not.toBeNull();
    await until(async () => (await counter.getAttribute('data-running')) === 'false', 'gap counter stopped');
    await until(
      async () => Number(await counter.getAttribute('data-ms')) === Math.round(t.gapMs!),
      'gap counter shows the timeline gap',
    );
    await expect.poll(() => page.getByTestId('history-bars').first().getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId('gap-p50').first().textContent()).toBe(
      `${Math.round(t.gapMs!).toLocaleString('en-US')} ms`,
    );
    expect(await page.getByTestId('overlay-clock').textContent()).toMatch(/± \d+\.\d ms/);
  }, 60_000);

  it('what-if: a faster decode rate lowers the predicted gap by what gapAt says', async () => {
    const t = timelines[timelines.length - 1]!.timeline;
    const slider = page.getByTestId('whatif-tps');
    await page.getByTestId('whatif-ttft').fill('300');
    await slider.fill('1000'); // the top of the log scale: 20,000 tok/s
    const ttft = Number(await page.getByTestId('whatif-ttft').inputValue());
    const expected = gapAt(t, { tps: 20_000, ttftMs: ttft })!;
    const shown = Number(await page.getByTestId('whatif-gap').first().getAttribute('data-ms'));
    expect(shown).toBeCloseTo(expected, 3);
    await slider.fill('0'); // 10 tok/s
    const slow = Number(await page.getByTestId('whatif-gap').first().getAttribute('data-ms'));
    expect(slow).toBeCloseTo(gapAt(t, { tps: 10, ttftMs: ttft })!, 3);
    expect(slow - expected).toBeCloseTo(
      ((t.firstChunkTokens! - 1) * 1000) / 10 - ((t.firstChunkTokens! - 1) * 1000) / 20_000,
      3,
    );
    expect(slow).toBeGreaterThan(expected);
  });

  it('roofline: 70B at FP16 on an H100 tops out near 24 tok/s', async () => {
    await page.getByTestId('roofline-params').fill('70');
    await page.getByTestId('roofline-precision').selectOption('fp16');
    await page.getByTestId('roofline-system').selectOption('h100');
    const tps = Number(await page.getByTestId('roofline-ceiling').getAttribute('data-tps'));
    expect(tps).toBeCloseTo(23.93, 1);
    expect(await page.getByTestId('roofline-sentence').textContent()).toContain('140 GB per token');
  });

  it('exports JSON and CSV with one row per turn, and a non-blank PNG', async () => {
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-json').click(),
    ]);
    const data = JSON.parse(readFileSync((await json.path())!, 'utf8')) as {
      turns: { turnId: string; userText: string | null; replyText: string | null }[];
    };
    expect(data.turns.map((t) => t.turnId)).toEqual(timelines.map((t) => t.turnId));
    // The words come from the lane's conversation: what was typed, and the reply as heard.
    const firstReply = entries.get(timelines[0]!.turnId)?.find((e) => e.role === 'assistant')?.text;
    expect(firstReply).toBeTruthy();
    expect(data.turns[0]).toMatchObject({
      userText: 'Tell me about the history of tea',
      replyText: firstReply,
    });

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const lines = parseCsv(readFileSync((await csv.path())!, 'utf8'));
    const header = lines[0]!;
    for (const col of [
      'label',
      'spec',
      'replay',
      'endpoint_ms',
      'stt_ms',
      'ttft_ms',
      'first_chunk_ms',
      'tts_ms',
      'playout_ms',
      'gap_ms',
      'user_text',
      'reply_text',
    ])
      expect(header).toContain(col);
    expect(lines.length).toBe(1 + timelines.length);
    const row = lines[1]!;
    expect(row).toHaveLength(header.length);
    expect(row[header.indexOf('user_text')]).toBe('Tell me about the history of tea');
    expect(row[header.indexOf('reply_text')]).toBe(firstReply);
    expect(Number(row[header.indexOf('gap_ms')])).toBeCloseTo(timelines[0]!.timeline.gapMs!, 1);
    expect(row[header.indexOf('replay')]).toBe('');

    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    const bytes = readFileSync((await png.path())!);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    const stats = await imageStats(page, bytes);
    expect(stats.w).toBeGreaterThan(800);
    expect(stats.variance).toBeGreaterThan(100);
  });

  it('/overlay is transparent and follows a turn driven from the app page', async () => {
    const engine = app.engine!;
    const overlayPage = await page.context().browser()!.newPage();
    await overlayPage.setViewportSize({ width: 1280, height: 720 });
    await overlayPage.goto(`${engine.httpUrl}/overlay?token=${encodeURIComponent(engine.token)}`);
    await overlayPage.getByTestId('overlay-lane').first().waitFor();
    const bg = await overlayPage.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgba(0, 0, 0, 0)');
    expect(await overlayPage.getByTestId('what-if').count()).toBe(0);
    const before = timelines.length;
    await say('And what about coffee?');
    const counter = overlayPage.getByTestId('gap-counter').first();
    await until(
      async () => (await counter.getAttribute('data-running')) === 'true',
      'overlay page counter running',
    );
    await until(() => timelines.length > before, 'second turn.metrics', 40_000);
    await expect
      .poll(() => overlayPage.getByTestId('history-bars').first().getAttribute('data-count'))
      .toBe('2'); // it joined after the first turn: the engine sent that one on connect
    const shot = await overlayPage.screenshot({
      omitBackground: true,
      path: 'test-results/overlay-page.png',
    });
    // Transparent pixels exist where nothing is drawn.
    const alpha = (await imageStats(overlayPage, shot)).clear;
    expect(alpha).toBeGreaterThan(0.05);
    await page.screenshot({ path: 'test-results/overlay-app-full.png', fullPage: true });
    await page.getByTestId('overlay').screenshot({ path: 'test-results/overlay-app.png' });
    await overlayPage.close();
  }, 90_000);

  it('frame time while a lane streams 20,000 tok/s', async () => {
    ws.send({ type: 'lane.speech', laneId, tts: 'none' });
    ws.send({ type: 'lane.configure', laneId, spec: 'sim:tps=20000,ttft=0,tokens=40000' });
    await until(
      async () =>
        ((await page.getByTestId('overlay-lane').first().textContent()) ?? '').includes('tps=20000'),
      'lane configured for 20k',
    );
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__loaf = [];
      window.__loafSupported = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame');
      if (window.__loafSupported) {
        window.__loafObs = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__loaf.push(e.duration); });
        window.__loafObs.observe({ type: 'long-animation-frame' });
      }
      let last = performance.now();
      window.__stop = false;
      const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const before = timelines.length;
    await say('Write a very long essay');
    await until(() => timelines.length > before, 'the 40,000-token turn', 60_000);
    const r = (await page.evaluate(`(() => { window.__stop = true; window.__loafObs?.disconnect();
      return { frames: window.__frames, loaf: window.__loaf, supported: window.__loafSupported }; })()`)) as {
      frames: number[];
      loaf: number[];
      supported: boolean;
    };
    const frames = r.frames.slice(1).sort((a, b) => a - b);
    const q = (p: number): number => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))]!;
    const long = frames.filter((f) => f > 50).length;
    const t = timelines[timelines.length - 1]!.timeline;
    console.log(
      `overlay frame time at 20k tok/s: ${frames.length} frames, p50 ${q(0.5).toFixed(1)} ms, ` +
        `p99 ${q(0.99).toFixed(1)} ms, max ${frames[frames.length - 1]!.toFixed(1)} ms, ` +
        `rAF deltas > 50 ms: ${long} (${((100 * long) / frames.length).toFixed(1)} %), ` +
        `long-animation-frame entries: ${r.supported ? r.loaf.length : 'unsupported'}, ` +
        `measured ${Math.round(t.tokensPerSecond ?? 0)} tok/s over ${t.tokens} tokens`,
    );
    expect(frames.length).toBeGreaterThan(20);
    expect(long / frames.length).toBeLessThan(0.1);
    // A text-only turn has no audio gap: the overlay says so and still shows its TTFT.
    expect(t.gapMs).toBeNull();
    await expect.poll(() => page.getByTestId('gap-label').first().textContent()).toContain('text only');
    expect(await page.getByTestId('gap-counter').first().getAttribute('data-ms')).toBe(
      String(Math.round(t.ttftMs!)),
    );
    expect(await page.getByTestId('waterfall').first().getAttribute('data-segments')).toBe('ttftMs');
    await page.getByTestId('overlay').screenshot({ path: 'test-results/overlay-text-only.png' });
  }, 90_000);
});

/**
 * The whole voice-out path in a real browser: a typed message → simulated backend → chunker →
 * espeak-ng → audio frames → the page's player. The output carries sound while the bot speaks, the
 * reported audible time fits the page's clock, the turn's timeline arrives, and typing over the bot
 * silences it and keeps only what was heard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ClientMessage, EngineEvent } from '../../src/shared/protocol';
import { appReady, type OpenApp, openApp, tapClientMessages } from './app';

let app: OpenApp;
let page: Page;
let laneId: string;
const fromClient: { msg: ClientMessage; atMs: number }[] = [];
const events: EngineEvent[] = [];

async function outputRms(): Promise<number> {
  return (await page.evaluate('window.__dialtoneAudio.outputRms()')) as number;
}

function sent<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }>[] {
  return fromClient
    .map((m) => m.msg)
    .filter((m): m is Extract<ClientMessage, { type: T }> => m.type === type);
}

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  tapClientMessages(app, (msg, atMs) => fromClient.push({ msg, atMs }));
  app.engine!.engine.connect({ send: (e) => events.push(e), sendBinary: () => {} });
  await appReady(page);
  laneId = (await page.getByTestId('lane').first().getAttribute('data-lane-id'))!;
  if ((await page.evaluate('window.__dialtoneAudio.context().state')) !== 'running') {
    await page.getByTestId('enable-audio').click();
  }
}, 90_000);

afterAll(async () => {
  await app?.close();
});

describe('a typed message gets a spoken reply', () => {
  it('speaks with espeak by default, reports when it became audible, and records the turn', async () => {
    expect(await page.getByTestId('tts-select').inputValue()).toBe('espeak:voice=en-us');
    // A short reply (20 tokens, a few seconds of speech) keeps the test quick.
    const spec = page.getByTestId('spec-input');
    await spec.fill('sim:tps=2000,ttft=150,max=20');
    await spec.press('Enter');
    await expect.poll(() => spec.inputValue()).toBe('sim:tps=2000,ttft=150,max=20');
    const input = page.getByTestId('message-input');
    await input.fill('Tell me about the moon.');
    await input.press('Enter');
    await expect.poll(outputRms, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0.01);
    const started = await waitFor('playback.started');
    const turnStarted = events.find((e) => e.type === 'turn.started' && e.laneId === laneId);
    expect(started.turnId).toBe(turnStarted && 'turnId' in turnStarted ? turnStarted.turnId : '');
    // Audible after the request went out, and not in the future of when the page said so.
    const startedAt = fromClient.find((m) => m.msg.type === 'playback.started')!.atMs;
    expect(started.audibleAtMs).toBeLessThanOrEqual(startedAt + 100);
    const metrics = await waitForEvent('turn.metrics', 20_000);
    expect(metrics.timeline.ttftMs).toBeGreaterThan(100);
    expect(metrics.timeline.firstChunkMs).not.toBeNull();
    expect(metrics.timeline.ttsMs).toBeGreaterThan(0);
    expect(metrics.timeline.playoutMs).toBeGreaterThan(0);
    expect(metrics.timeline.speechMs).toBeGreaterThan(500);
    await expect.poll(outputRms, { timeout: 5_000, interval: 20 }).toBeLessThan(0.001);
  });

  it('typing over the bot silences it at once and keeps only what was heard', async () => {
    const spec = page.getByTestId('spec-input');
    await spec.fill('fast');
    await spec.press('Enter');
    await expect.poll(() => spec.inputValue()).toBe('sim:tps=2000,ttft=150');
    const input = page.getByTestId('message-input');
    await input.fill('Tell me a long story about sailing ships and storms.');
    await input.press('Enter');
    await expect.poll(outputRms, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0.01);
    await page.waitForTimeout(700);
    await input.fill('Stop, please.');
    await input.press('Enter');
    const ended = await waitFor('playback.ended', (m) => m.interrupted);
    expect(ended.playedMs).toBeGreaterThan(300);
    const interrupt = events.find((e) => e.type === 'interrupt' && e.laneId === laneId);
    expect(interrupt).toBeDefined();
    // The lane's history keeps the heard words of the cut reply: a prefix, shorter than the full reply.
    await expect
      .poll(
        () =>
          events.filter(
            (e) => e.type === 'history.append' && e.laneId === laneId && e.entries.some((h) => h.interrupted),
          ).length,
      )
      .toBeGreaterThan(0);
  });
});

async function waitFor<T extends 'playback.started' | 'playback.ended'>(
  type: T,
  match: (m: Extract<ClientMessage, { type: T }>) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Extract<ClientMessage, { type: T }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = sent(type).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${type} from the page`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForEvent<T extends EngineEvent['type']>(
  type: T,
  timeoutMs: number,
): Promise<Extract<EngineEvent, { type: T }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find((e) => e.type === type && 'laneId' in e && e.laneId === laneId);
    if (found) return found as Extract<EngineEvent, { type: T }>;
    if (Date.now() > deadline) throw new Error(`no ${type}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Audio through a real browser (headless Chromium, web mode):
 * - capture → engine: a microphone frame's last sample captured (its capture time + 32 ms, engine
 *   clock via the page's clock sync) → the frame decoded in the engine;
 * - playback start: a reply's first audio frame sent by the engine → the page's reported audible
 *   time (AudioContext output timestamp + output latency, engine clock).
 * The fake microphone plays the speech fixture; replies are spoken by espeak.
 */
import { join } from 'node:path';
import type { ClientMessage } from '../../shared/protocol';
import { fakeMicArgs, launchBrowser } from '../testing/browser';
import { ensureTestWebBuild, REPO_ROOT } from '../web/build';
import { systemClock } from '../engine/clock';
import { startEngine } from '../engine';
import { summarize, type Summary } from './stats';

const FRAME_MS = 32;

export async function benchBrowserAudio(opts: { captureFrames?: number; replies?: number } = {}): Promise<{
  captureToEngineMs: Summary;
  playbackStartMs: Summary;
}> {
  const captureFrames = opts.captureFrames ?? 300;
  const replies = opts.replies ?? 5;
  // The build with test hooks: this bench reads window.__dialtoneAudio.
  const staticDir = await ensureTestWebBuild();
  const engine = await startEngine({ staticDir, env: {} });
  const wav = join(REPO_ROOT, 'test', 'fixtures', 'speech', 'speech-44k-stereo.wav');
  const browser = await launchBrowser(fakeMicArgs(wav));
  const captureMs: number[] = [];
  const sentFirstAudio = new Map<string, number>();
  const audible: { turnId: string; audibleAtMs: number }[] = [];
  const core = engine.engine;
  const stopTap = core.onAudioIn((frame) => {
    if (captureMs.length < captureFrames) captureMs.push(systemClock.now() - (frame.atMs + FRAME_MS));
  });
  const broadcastAudio = core.broadcastAudio;
  core.broadcastAudio = (frame) => {
    const turnId = `${frame.laneId}-${frame.turn}`;
    if (!sentFirstAudio.has(turnId)) sentFirstAudio.set(turnId, systemClock.now());
    broadcastAudio(frame);
  };
  const handle = core.handle.bind(core);
  core.handle = (client, msg: ClientMessage) => {
    if (msg.type === 'playback.started') audible.push({ turnId: msg.turnId, audibleAtMs: msg.audibleAtMs });
    handle(client, msg);
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${engine.httpUrl}/?token=${engine.token}`);
    await page.getByTestId('lane').first().waitFor();
    if ((await page.evaluate('window.__dialtoneAudio.context().state')) !== 'running') {
      await page.getByTestId('enable-audio').click();
    }
    const spec = page.getByTestId('spec-input');
    await spec.fill('sim:tps=2000,ttft=0,max=12');
    await spec.press('Enter');
    for (let i = 0; i < replies; i++) {
      const before = audible.length;
      await page.getByTestId('message-input').fill(`Say something short, number ${i + 1}.`);
      await page.getByTestId('message-input').press('Enter');
      await waitUntil(() => audible.length > before, 20_000, 'a reply to become audible');
      await page.waitForTimeout(4_000);
    }
    await page.getByTestId('mic-mode-open').click();
    await waitUntil(() => captureMs.length >= captureFrames, 30_000, 'microphone frames');
  } finally {
    stopTap();
    await browser.close();
    await engine.close();
  }
  const playback = audible
    .map(({ turnId, audibleAtMs }) => audibleAtMs - (sentFirstAudio.get(turnId) ?? Number.NaN))
    .filter(Number.isFinite);
  return { captureToEngineMs: summarize(captureMs), playbackStartMs: summarize(playback) };
}

async function waitUntil(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = systemClock.now() + timeoutMs;
  while (!test()) {
    if (systemClock.now() > deadline) throw new Error(`benchmark: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

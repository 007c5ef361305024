/**
 * The ask-all composer, spoken: one click gives every lane a speech-in and push-to-talk, then holding
 * the button asks them all with the same words (the fake microphone speaks the fixture). Catches a
 * spoken question reaching one lane only, a typing-only lane left deaf, a lane given a different
 * speech-in than its neighbour, and a hold that never lets go (the lanes would never answer).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../src/main/web/build';
import { fakeMicArgs } from '../../src/main/testing/browser';
import type { EngineEvent } from '../../src/shared/protocol';
import {
  startKeyLoggingUpstream,
  UPSTREAM_TRANSCRIPT,
  type KeyLoggingUpstream,
} from '../helpers/key-logging-upstream';
import { appReady, openApp, openEngineSocket, type EngineSocket, type OpenApp, until } from './app';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'speech', 'speech-44k-stereo.wav');

let app: OpenApp;
let page: Page;
let ws: EngineSocket;
let upstream: KeyLoggingUpstream;
const events: EngineEvent[] = [];

function ofType<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}

function laneState(laneId: string): Extract<EngineEvent, { type: 'lane.state' }>['lane'] | undefined {
  return ofType('lane.state').findLast((e) => e.lane.laneId === laneId)?.lane;
}

beforeAll(async () => {
  upstream = await startKeyLoggingUpstream();
  app = await openApp({ browserArgs: fakeMicArgs(FIXTURE) });
  page = app.page;
  await page.setViewportSize({ width: 1920, height: 1080 });
  await appReady(page);
  ws = await openEngineSocket(app, (event) => events.push(event));
}, 60_000);

afterAll(async () => {
  ws?.close();
  await app?.close();
  await upstream?.close();
});

describe('ask every lane by voice', () => {
  it('sets the lanes up in one click, then one held press asks them all the same question', async () => {
    const first = (await page.getByTestId('lane').first().getAttribute('data-lane-id'))!;
    const stt = `openai-compatible:url=${upstream.url},model=whisper-1`;
    ws.send({ type: 'lane.speech', laneId: first, stt, tts: 'none' });
    ws.send({
      type: 'lane.create',
      laneId: 'second',
      spec: 'sim:tps=2000,ttft=50',
      stt: 'typed',
      tts: 'none',
    });
    await until(() => laneState('second') !== undefined && laneState(first)?.speech.stt === stt, 'lanes set');

    await page.getByTestId('ask-both-voice-setup').click();
    await until(
      () => laneState('second')?.speech.stt === stt && laneState('second')?.speech.mic === 'ptt',
      'the typing-only lane hears through its neighbour’s speech-in, on push-to-talk',
    );
    await until(() => laneState(first)?.speech.mic === 'ptt', 'the first lane on push-to-talk');

    const talk = page.getByTestId('ask-both-talk');
    await talk.waitFor();
    await talk.hover();
    await page.mouse.down();
    await page.waitForTimeout(2_800);
    await page.mouse.up();

    await until(
      () => [first, 'second'].every((id) => ofType('turn.started').some((e) => e.laneId === id)),
      'both lanes answer',
    );
    for (const id of [first, 'second']) {
      const started = ofType('turn.started').filter((e) => e.laneId === id);
      expect(started).toHaveLength(1);
      expect(started[0]!.userText).toBe(UPSTREAM_TRANSCRIPT);
    }
    const transcriptions = upstream.requests.filter((r) => r.path.endsWith('/audio/transcriptions'));
    expect(transcriptions).toHaveLength(2);
    await page.screenshot({ path: 'test-results/ask-by-voice.png' });
  }, 60_000);
});

/**
 * Regression: a lane whose voice or speech input ran on the engine thread showed nothing, so its
 * figures (and every other lane's) were late without a word on screen. The app store now keeps the
 * lane's `lane.notice` text for the lane panel, drops it when that stage's provider is replaced, and
 * forgets it with the lane through the lane registry.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent, LaneSnapshot } from '../../src/shared/protocol';
import { createAppStore } from '../../src/renderer/src/store/app-store';
import { createLaneRegistry } from '../../src/renderer/src/store/lane-registry';

const KOKORO =
  "Kokoro runs on the engine thread: its worker did not start (no kokoro-worker); while it runs, every lane's timings are late";
const WHISPER =
  "Whisper runs on the engine thread: its worker did not start (no whisper-worker); while it runs, every lane's timings are late";

function laneState(laneId: string, speech: { stt: string; tts: string }): EngineEvent {
  const lane: LaneSnapshot = {
    laneId,
    label: laneId,
    spec: 'sim:tps=5000',
    provider: 'sim',
    model: 'sim-1',
    state: 'idle',
    speech: { ...speech, mic: 'off' },
  };
  return { type: 'lane.state', lane };
}

const notice = (laneId: string, stage: 'stt' | 'tts', message: string): EngineEvent => ({
  type: 'lane.notice',
  laneId,
  stage,
  code: 'engine_thread',
  message,
});

function wired() {
  const lanes = createLaneRegistry();
  const app = createAppStore();
  // As app/services.ts wires them: the registry tells the store which lane went.
  lanes.getState().onRemoved((id) => app.getState().forgetLane(id));
  const apply = (e: EngineEvent): void => {
    app.getState().applyEvent(e);
    lanes.getState().applyEvent(e);
  };
  return { app, apply };
}

describe('speech notices in the app store', () => {
  it('keeps the notice text per lane and stage, beside the lane that sent it', () => {
    const { app, apply } = wired();
    apply(laneState('a', { stt: 'local:model=whisper-tiny.en', tts: 'kokoro:voice=af_heart' }));
    apply(laneState('b', { stt: 'typed', tts: 'espeak:voice=en-us' }));
    apply(notice('a', 'tts', KOKORO));
    apply(notice('a', 'stt', WHISPER));
    expect(app.getState().notices).toEqual({ a: { tts: KOKORO, stt: WHISPER } });
    // A notice is not an error: the lane's error list stays empty.
    expect(app.getState().errors['a'] ?? []).toEqual([]);
    // A state change that keeps the providers (a turn, the mic) keeps the notices.
    apply(laneState('a', { stt: 'local:model=whisper-tiny.en', tts: 'kokoro:voice=af_heart' }));
    expect(app.getState().notices['a']).toEqual({ tts: KOKORO, stt: WHISPER });
  });

  it('drops a stage’s notice when the lane picks another provider for that stage', () => {
    const { app, apply } = wired();
    apply(laneState('a', { stt: 'local:model=whisper-tiny.en', tts: 'kokoro:voice=af_heart' }));
    apply(notice('a', 'tts', KOKORO));
    apply(notice('a', 'stt', WHISPER));
    apply(laneState('a', { stt: 'local:model=whisper-tiny.en', tts: 'espeak:voice=en-us' }));
    expect(app.getState().notices['a']).toEqual({ stt: WHISPER });
  });

  it('forgets the notices of a lane that is removed (the lane registry’s onRemoved)', () => {
    const { app, apply } = wired();
    apply(laneState('a', { stt: 'typed', tts: 'kokoro:voice=af_heart' }));
    apply(laneState('b', { stt: 'typed', tts: 'kokoro:voice=af_heart' }));
    apply(notice('a', 'tts', KOKORO));
    apply(notice('b', 'tts', KOKORO));
    apply({ type: 'lane.removed', laneId: 'a' });
    expect(Object.keys(app.getState().notices)).toEqual(['b']);
  });
});

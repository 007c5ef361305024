/**
 * Regression: open mic without the Whisper model piled up one error box per utterance (four after
 * 25 s, pushing the composer off the lane), and nothing on the lane offered the download. The app
 * store now keeps the same error on the same lane as one entry with a count, and keeps the lane's
 * `model.needed` until the model is cached (progress, a cancel that can resume, a failure) or the lane
 * picks a stage that needs no model.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent, LaneSnapshot } from '../../src/shared/protocol';
import { createAppStore } from '../../src/renderer/src/store/app-store';
import { errorTitle, hint } from '../../src/renderer/src/lanes/ErrorList';

const MISSING =
  'model whisper-tiny.en is not downloaded (offline mode); it belongs in /tmp/m/whisper-tiny.en — fetch it with: bin/dialtone models fetch whisper-tiny.en';

const sttError = (message = MISSING): EngineEvent => ({
  type: 'error',
  laneId: 'a',
  stage: 'stt',
  code: 'model_missing',
  message,
  retryable: false,
});

function laneState(stt: string): EngineEvent {
  const lane: LaneSnapshot = {
    laneId: 'a',
    label: 'a',
    spec: 'fast',
    provider: 'sim',
    model: 'sim-1',
    state: 'idle',
    speech: { stt, tts: 'espeak:voice=en-us', mic: 'open' },
  };
  return { type: 'lane.state', lane };
}

const needed: EngineEvent = {
  type: 'model.needed',
  laneId: 'a',
  stage: 'stt',
  modelId: 'whisper-tiny.en',
  label: 'Whisper tiny.en',
  sizeBytes: 43_536_374,
  message: 'Speech recognition model not downloaded (whisper-tiny.en, 44 MB)',
};

describe('errors on a lane', () => {
  it('the same error four times is one entry ×4; a different one is its own entry', () => {
    const store = createAppStore();
    for (let i = 0; i < 4; i++) store.getState().applyEvent(sttError());
    expect(store.getState().errors.a).toHaveLength(1);
    expect(store.getState().errors.a?.[0]?.count).toBe(4);

    store.getState().applyEvent(sttError('the recogniser failed on this audio'));
    store.getState().applyEvent(sttError());
    const errors = store.getState().errors.a ?? [];
    expect(errors.map((e) => [e.message.slice(0, 20), e.count])).toEqual([
      ['the recogniser faile', 1],
      [MISSING.slice(0, 20), 5], // the newest last
    ]);
  });

  it('speech model missing reads in plain words, with advice that fits speech', () => {
    const store = createAppStore();
    store.getState().applyEvent(sttError());
    const e = store.getState().errors.a![0]!;
    expect(errorTitle(e)).toBe('Speech recognition model not downloaded');
    expect(hint(e)).toMatch(/Download/);
    expect(hint(e)).not.toMatch(/send again/i);
  });
});

describe('a model the lane needs', () => {
  it('is kept through a download, a cancel (resume from its bytes) and gone once cached', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().applyEvent(laneState('local:model=whisper-tiny.en'));
    s().applyEvent(needed);
    expect(s().modelNeeds.a?.stt?.message).toBe(needed.type === 'model.needed' ? needed.message : '');

    s().applyEvent({
      type: 'model.progress',
      laneId: 'a',
      modelId: 'whisper-tiny.en',
      file: 'tokenizer.json',
      bytes: 12_000_000,
      total: 43_536_374,
    });
    expect(s().downloads.a?.bytes).toBe(12_000_000);
    s().applyEvent({ type: 'model.state', modelId: 'whisper-tiny.en', cached: false });
    expect(s().downloads.a).toBeUndefined();
    expect(s().modelNeeds.a?.stt).toMatchObject({ resumeBytes: 12_000_000 });
    expect(s().modelNeeds.a?.stt?.error).toBeUndefined();

    s().applyEvent({
      type: 'model.state',
      modelId: 'whisper-tiny.en',
      cached: false,
      error: 'hub answered 503',
    });
    expect(s().modelNeeds.a?.stt?.error).toBe('hub answered 503');

    s().applyEvent({ type: 'model.state', modelId: 'whisper-tiny.en', cached: true });
    expect(s().modelNeeds.a).toBeUndefined();
  });

  it('is the one message: the same "not downloaded" errors from each utterance add nothing', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().applyEvent(laneState('local:model=whisper-tiny.en'));
    s().applyEvent(needed);
    s().applyEvent({
      type: 'model.progress',
      laneId: 'a',
      modelId: 'whisper-tiny.en',
      file: 'tokenizer.json',
      bytes: 1_000_000,
      total: 43_536_374,
    });
    for (let i = 0; i < 3; i++) s().applyEvent(sttError());
    expect(s().errors.a ?? []).toHaveLength(0);
    expect(s().downloads.a?.bytes).toBe(1_000_000); // the download under way keeps its bar
    s().applyEvent(sttError('the recogniser failed on this audio'));
    expect(s().errors.a).toHaveLength(1);
  });

  it('goes when the lane types instead', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().applyEvent(laneState('local:model=whisper-tiny.en'));
    s().applyEvent(needed);
    s().applyEvent(laneState('typed'));
    expect(s().modelNeeds.a?.stt).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { AUDIO_IN, type AudioFrame } from '../../src/shared/audio-frames';
import { VoiceInput, type VoiceInputEvent } from '../../src/main/engine/voice/voice-input';
import { energyVad, FRAME_MS, micFrame } from '../helpers/scripted-speech';

function harness(opts = {}) {
  const events: VoiceInputEvent[] = [];
  const vad = energyVad(300);
  const input = new VoiceInput(vad, (e) => events.push(e), opts);
  let index = 0;
  /** Pushes frames stamped 1000 ms + their position on the engine clock. */
  const push = (ms: number, voiced: boolean): void => {
    for (let n = Math.round(ms / FRAME_MS); n > 0; n--, index++) {
      const frame: AudioFrame = {
        kind: AUDIO_IN,
        laneId: 'l',
        seq: index,
        turn: 0,
        atMs: 1000 + index * FRAME_MS,
        sampleRate: 16_000,
        samples: micFrame(index, voiced),
      };
      input.pushFrame(frame);
    }
  };
  const types = () => events.filter((e) => e.type !== 'level').map((e) => e.type);
  /** Waits until the VAD has processed everything pushed so far. */
  const settle = () => vad.push(new Float32Array(0));
  return { input, events, push, types, settle };
}

describe('voice input', () => {
  it('open mic: speech start and end on the engine clock, then the utterance to transcribe', async () => {
    const h = harness();
    h.input.setMode('open');
    h.push(320, false);
    h.push(640, true);
    h.push(480, false);
    await h.settle();
    expect(h.types()).toEqual(['speech-start', 'speech-end', 'utterance']);
    await h.settle();
    const start = h.events.find((e) => e.type === 'speech-start')!;
    await h.settle();
    const utterance = h.events.find((e) => e.type === 'utterance')!;
    expect(start.type === 'speech-start' && start.atMs).toBeCloseTo(1000 + 320, 0);
    if (utterance.type !== 'utterance') throw new Error('unreachable');
    expect(utterance.lastVoicedAtMs).toBeCloseTo(1000 + 960, 0);
    expect(utterance.endpointAtMs - utterance.lastVoicedAtMs).toBeGreaterThanOrEqual(300);
    expect(utterance.endpointAtMs - utterance.lastVoicedAtMs).toBeLessThan(300 + FRAME_MS + 0.01);
  });

  it('microphone off: frames are ignored', async () => {
    const h = harness();
    h.push(640, true);
    h.push(480, false);
    await h.settle();
    expect(h.events).toEqual([]);
  });

  it('barge-in needs voiced time over the guard; a short "mhm" over the bot is not a turn', async () => {
    const h = harness({ bargeInGuardMs: 300 });
    h.input.setMode('open');
    h.input.setBotSpeaking(true);
    h.push(128, true);
    h.push(480, false);
    await h.settle();
    expect(h.types()).toEqual(['speech-start', 'speech-end']);
    h.push(448, true);
    await h.settle();
    expect(h.types()).toEqual(['speech-start', 'speech-end', 'speech-start', 'barge-in']);
    h.input.setBotSpeaking(false);
    h.push(480, false);
    await h.settle();
    expect(h.types().slice(-2)).toEqual(['speech-end', 'utterance']);
  });

  it('push-to-talk: the key decides the turn, with pre-roll kept before the press', async () => {
    const h = harness({ preRollMs: 200 });
    h.input.setMode('ptt');
    h.push(320, false);
    h.input.ptt(true, 1320);
    h.push(640, true);
    h.push(96, false);
    h.input.ptt(false, 2056);
    await h.settle();
    expect(h.types()).toEqual(['speech-start', 'speech-end', 'utterance']);
    await h.settle();
    const u = h.events.find((e) => e.type === 'utterance');
    if (u?.type !== 'utterance') throw new Error('unreachable');
    expect(u.endpointAtMs).toBe(2056);
    // 736 ms held plus ~200 ms of pre-roll, at 16 kHz.
    expect(u.audio.length / 16).toBeGreaterThanOrEqual(736 + 190);
    expect(u.audio.length / 16).toBeLessThan(736 + 260);
  });

  it('reports the level a few times a second', async () => {
    const h = harness({ levelEveryMs: 100 });
    h.input.setMode('open');
    h.push(640, true);
    await h.settle();
    const levels = h.events.filter((e) => e.type === 'level');
    expect(levels.length).toBeGreaterThanOrEqual(5);
    expect(levels[0]!.type === 'level' && levels[0]!.rms).toBeGreaterThan(0.2);
  });
});

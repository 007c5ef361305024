/**
 * Catches `stt.partial` declared but never sent (the lane dropped a streaming recognizer's words until
 * the final transcript), and a partial from a transcription the lane has abandoned still reaching the
 * clients. A lane with push-to-talk and a scripted recognizer that streams its words through `onPartial`.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/protocol';
import { systemClock } from '../../src/main/engine/clock';
import { GivenLine } from '../../src/main/engine/conversation/instant';
import { Lane } from '../../src/main/engine/lane';
import type { SttPort } from '../../src/main/engine/voice/ports';
import { SentenceChunker, energyVad } from '../helpers/scripted-speech';

function laneWith(stt: SttPort): { lane: Lane; events: EngineEvent[] } {
  const events: EngineEvent[] = [];
  const lane = new Lane('p', 'p', 'fast', {
    clock: systemClock,
    createProvider: () => new GivenLine('Sure.', systemClock),
    speech: {
      createVad: async () => energyVad(),
      createStt: () => stt,
      createTts: () => null,
      createChunker: () => new SentenceChunker(),
    },
    emit: (event) => events.push(event),
    emitAudio: () => {},
  });
  lane.configureSpeech({ stt: 'local' });
  return { lane, events };
}

const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
};

describe('stt.partial', () => {
  it('sends each partial as the recognizer streams it, before the final transcript and the turn', async () => {
    const streaming: SttPort = {
      label: 'streams words',
      transcribe: async (_audio, _signal, onPartial) => {
        for (const words of ['Tell', 'Tell me', 'Tell me more']) {
          onPartial?.(words);
          await new Promise((r) => setTimeout(r, 5));
        }
        return 'Tell me more.';
      },
    };
    const { lane, events } = laneWith(streaming);
    await lane.setMicMode('ptt');
    lane.ptt(true, systemClock.now());
    lane.ptt(false, systemClock.now());
    await until(() => events.some((e) => e.type === 'turn.started'));

    const heard = events.flatMap((e) =>
      e.type === 'stt.partial' || e.type === 'stt.final' || e.type === 'turn.started'
        ? [`${e.type} ${'text' in e ? e.text : e.userText}`]
        : [],
    );
    expect(heard).toEqual([
      'stt.partial Tell',
      'stt.partial Tell me',
      'stt.partial Tell me more',
      'stt.final Tell me more.',
      'turn.started Tell me more.',
    ]);
    expect(events.filter((e) => e.type === 'stt.partial')).toContainEqual({
      type: 'stt.partial',
      laneId: 'p',
      text: 'Tell',
    });
    await lane.close();
  });

  it('drops the partials of a transcription the lane has abandoned', async () => {
    let late: (() => void) | null = null;
    const abandoned: SttPort = {
      label: 'answers after it was abandoned',
      transcribe: (_audio, _signal, onPartial) =>
        new Promise((resolve) => {
          onPartial?.('Tell');
          late = () => {
            onPartial?.('Tell me');
            resolve('Tell me more.');
          };
        }),
    };
    const { lane, events } = laneWith(abandoned);
    await lane.setMicMode('ptt');
    lane.ptt(true, systemClock.now());
    lane.ptt(false, systemClock.now());
    await until(() => late !== null);
    // A new recognizer abandons the transcription in flight (the old recognizer's words are moot).
    lane.configureSpeech({ stt: 'openai-compatible:url=http://127.0.0.1:9/v1' });
    late!();
    await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.type === 'stt.partial').map((e) => 'text' in e && e.text)).toEqual([
      'Tell',
    ]);
    expect(events.some((e) => e.type === 'stt.final' || e.type === 'turn.started')).toBe(false);
    await lane.close();
  });
});

/**
 * A voice pads each piece it says with digital silence (espeak: up to ~340 ms). Between two pieces
 * of a reply that is the pause a listener expects and must stay; after the last piece it is dead air
 * before the other speaker can start, so it must not reach the players. Catches padding sent after
 * the last piece (the next gap grows by it), a pause between pieces dropped (sentences run together)
 * or counted as the first sentence's words (an interruption in the pause would cut that sentence).
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/main/engine/clock';
import { SpeechOut } from '../../src/main/engine/voice/speech-out';
import type { TtsPort } from '../../src/main/engine/voice/ports';
import { SentenceChunker } from '../helpers/scripted-speech';

const RATE = 24_000;
const SPEECH_MS = 200;
const PADDING_MS = 300;

/** Each piece: 200 ms of tone, then 300 ms of zeros, in 20 ms frames (the way espeak hands it out). */
const paddedVoice: TtsPort = {
  label: 'padded tone',
  async synthesize(_text, _signal, onAudio) {
    const total = ((SPEECH_MS + PADDING_MS) * RATE) / 1000;
    const loud = (SPEECH_MS * RATE) / 1000;
    const piece = new Int16Array(total);
    for (let i = 0; i < loud; i++) piece[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / RATE));
    for (let at = 0; at < total; at += 480) onAudio(piece.subarray(at, at + 480), RATE);
  },
};

async function speak(text: string): Promise<{ sent: Int16Array; ends: number; speech: SpeechOut }> {
  const frames: Int16Array[] = [];
  let ends = 0;
  const speech = new SpeechOut({
    tts: paddedVoice,
    chunker: new SentenceChunker(),
    clock: systemClock,
    signal: new AbortController().signal,
    sendAudio: (samples) => (samples.length === 0 ? (ends += 1) : frames.push(samples.slice())),
    onChunk: () => {},
    onError: (err) => {
      throw err;
    },
  });
  for (const token of text.split(/(?= )/)) speech.pushToken(token);
  await speech.finish();
  const sent = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) sent.set(f, (at += f.length) - f.length);
  return { sent, ends, speech };
}

const ms = (samples: number): number => (samples * 1000) / RATE;
const loudRuns = (x: Int16Array): [number, number][] => {
  const runs: [number, number][] = [];
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i]!) <= 64) continue;
    const last = runs.at(-1);
    if (last && i - last[1] <= 24) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
};

describe('speech out drops the voice padding after the last piece only', () => {
  it('keeps the pause between two sentences and ends at the last sound', async () => {
    const { sent, ends, speech } = await speak('First sentence. Second sentence.');
    const runs = loudRuns(sent);
    expect(runs).toHaveLength(2);
    // The pause between the pieces is all there: the first piece's padding, whole.
    expect(ms(runs[1]![0] - runs[0]![1])).toBeCloseTo(PADDING_MS, 0);
    // Nothing after the last sound: the listener's silence starts where the speech stops.
    expect(sent.length).toBe(runs[1]![1]);
    expect(ms(sent.length)).toBeCloseTo(2 * SPEECH_MS + PADDING_MS, 0);
    expect(speech.totalAudioMs).toBeCloseTo(ms(sent.length), 3);
    expect(ends).toBe(1);
  });

  it('places each piece where it is heard, so an interruption keeps the right words', async () => {
    const { speech } = await speak('First sentence. Second sentence.');
    // Just into the pause: the first sentence was heard whole, nothing of the second.
    expect(speech.heardText(SPEECH_MS + 100)).toBe('First sentence.');
    // A little into the second piece's sound.
    expect(speech.heardText(SPEECH_MS + PADDING_MS + 150)).toBe('First sentence. Second');
  });
});

import { describe, expect, it } from 'vitest';
import {
  AUDIO_IN,
  AudioFrameError,
  decodeAudioFrame,
  encodeAudioFrame,
  MAX_FRAME_SAMPLES,
  TTS_AUDIO,
} from '../../src/shared/audio-frames';

describe('binary audio frames', () => {
  it('round-trips every field, for lane ids of every padding length', () => {
    for (const laneId of ['a', 'ab', 'abc', 'lane-1', 'x'.repeat(32)]) {
      const samples = Int16Array.from({ length: 512 }, (_, i) => ((i * 97) % 65536) - 32768);
      const frame = {
        kind: AUDIO_IN,
        laneId,
        seq: 41,
        turn: 0,
        atMs: 1234.5625,
        sampleRate: 16_000,
        samples,
      } as const;
      const back = decodeAudioFrame(encodeAudioFrame(frame));
      expect(back).toEqual({ ...frame, samples: back.samples });
      expect(Array.from(back.samples)).toEqual(Array.from(samples));
    }
  });

  it('decodes from a Node Buffer view at any offset (as ws delivers it)', () => {
    const encoded = encodeAudioFrame({
      kind: TTS_AUDIO,
      laneId: 'bot',
      seq: 1,
      turn: 3,
      atMs: 9,
      sampleRate: 24_000,
      samples: Int16Array.of(1, -2, 3),
    });
    const padded = Buffer.concat([Buffer.from([0xff]), Buffer.from(encoded)]).subarray(1);
    expect(Array.from(decodeAudioFrame(padded).samples)).toEqual([1, -2, 3]);
  });

  it('refuses malformed frames with a reason', () => {
    const good = new Uint8Array(
      encodeAudioFrame({
        kind: AUDIO_IN,
        laneId: 'a',
        seq: 0,
        turn: 0,
        atMs: 0,
        sampleRate: 16_000,
        samples: new Int16Array(4),
      }),
    );
    expect(() => decodeAudioFrame(new Uint8Array([1]))).toThrow(AudioFrameError);
    expect(() => decodeAudioFrame(Uint8Array.of(9, ...good.subarray(1)))).toThrow(
      'unknown audio frame kind 9',
    );
    expect(() => decodeAudioFrame(good.subarray(0, good.length - 1))).toThrow('whole 16-bit samples');
    expect(() => decodeAudioFrame(good.subarray(0, 10))).toThrow('shorter than its header');
    const badRate = good.slice();
    new DataView(badRate.buffer).setUint32(4 + 16, 3, true);
    expect(() => decodeAudioFrame(badRate)).toThrow('sample rate 3 Hz');
    const huge = encodeAudioFrame({
      kind: AUDIO_IN,
      laneId: 'a',
      seq: 0,
      turn: 0,
      atMs: 0,
      sampleRate: 16_000,
      samples: new Int16Array(MAX_FRAME_SAMPLES + 1),
    });
    expect(() => decodeAudioFrame(huge)).toThrow('over');
    expect(() =>
      encodeAudioFrame({
        kind: AUDIO_IN,
        laneId: 'bad id',
        seq: 0,
        turn: 0,
        atMs: 0,
        sampleRate: 16_000,
        samples: new Int16Array(1),
      }),
    ).toThrow('cannot go in an audio frame');
  });
});

/**
 * The mix of what the listener heard: each frame lands at the sample offset of its play time (not
 * back to back, not at time zero), lane 1 on the left and lane 2 on the right with the app's
 * equal-power pan law, any rate resampled to 48 kHz, an interrupt cuts the rest of the lane's
 * audio, and the WAV decodes as 48 kHz stereo.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultPans,
  MIX_SAMPLE_RATE,
  panGains,
  SpeechMix,
} from '../../src/main/engine/conversation/speech-mix';
import { decodeWav } from '../../src/main/engine/audio/wav';

/** A steady tone, `ms` long at `rate`, amplitude ~0.5. */
function tone(ms: number, rate: number, hz = 440): Int16Array {
  const n = Math.round((ms * rate) / 1000);
  return Int16Array.from({ length: n }, (_, i) =>
    Math.round(16_000 * Math.sin((2 * Math.PI * hz * i) / rate)),
  );
}

/** RMS of `samples` over [fromMs, toMs). */
function rms(samples: Float32Array, fromMs: number, toMs: number): number {
  const a = Math.round((fromMs * MIX_SAMPLE_RATE) / 1000);
  const b = Math.round((toMs * MIX_SAMPLE_RATE) / 1000);
  let s = 0;
  for (let i = a; i < b; i++) s += samples[i]! ** 2;
  return Math.sqrt(s / Math.max(1, b - a));
}

/** First sample louder than `level`, ms from the mix's start. */
function onsetMs(samples: Float32Array, level = 0.05): number {
  const i = samples.findIndex((v) => Math.abs(v) > level);
  return (i * 1000) / MIX_SAMPLE_RATE;
}

describe('speech mix', () => {
  it('spreads lanes left to right, one lane in the middle', () => {
    expect(defaultPans(1)).toEqual([0]);
    expect(defaultPans(2)).toEqual([-1, 1]);
    expect(defaultPans(3)).toEqual([-1, 0, 1]);
    expect(panGains(-1).left).toBeCloseTo(1, 6);
    expect(panGains(-1).right).toBeCloseTo(0, 6);
    expect(panGains(0).left).toBeCloseTo(Math.SQRT1_2, 6);
    expect(panGains(1).right).toBeCloseTo(1, 6);
  });

  it('places each frame at its play time, lane 1 left and lane 2 right, resampled to 48 kHz', () => {
    const mix = new SpeechMix(
      new Map([
        ['fast', -1],
        ['slow', 1],
      ]),
    );
    const t0 = 10_000;
    // fast: two back-to-back frames at 22.05 kHz, then a second line 700 ms after the first ends.
    mix.played('fast', tone(100, 22_050), 22_050, t0);
    mix.played('fast', tone(100, 22_050), 22_050, t0 + 100);
    mix.played('fast', tone(200, 22_050), 22_050, t0 + 900);
    // slow: one line at 16 kHz starting 300 ms in.
    mix.played('slow', tone(400, 16_000), 16_000, t0 + 300);
    const { left, right, sampleRate, originAtMs } = mix.mix();
    expect(sampleRate).toBe(48_000);
    expect(originAtMs).toBe(t0);
    expect(left.length).toBe(Math.round(1.1 * MIX_SAMPLE_RATE));
    // The left has fast only: sound 0–200 ms and 900–1100 ms, silence between (the 700 ms gap kept).
    expect(rms(left, 20, 180)).toBeGreaterThan(0.3);
    expect(rms(left, 220, 880)).toBeLessThan(0.005);
    expect(onsetMs(left.subarray(Math.round(0.5 * MIX_SAMPLE_RATE)))).toBeCloseTo(400, -1);
    // The right has slow only, from 300 ms (not from the mix's start).
    expect(onsetMs(right)).toBeCloseTo(300, -1);
    expect(rms(right, 0, 280)).toBeLessThan(0.005);
    expect(rms(right, 320, 680)).toBeGreaterThan(0.3);
    // A 440 Hz tone resampled stays 440 Hz: count zero crossings over 100 ms of the right channel.
    let crossings = 0;
    const from = Math.round(0.4 * MIX_SAMPLE_RATE);
    for (let i = from; i < from + MIX_SAMPLE_RATE / 10; i++)
      if (right[i]! < 0 !== right[i + 1]! < 0) crossings++;
    expect(crossings).toBeGreaterThanOrEqual(86);
    expect(crossings).toBeLessThanOrEqual(90);
  });

  it('an interrupt cuts the rest of that lane only', () => {
    const mix = new SpeechMix(
      new Map([
        ['a', -1],
        ['b', 1],
      ]),
    );
    mix.played('a', tone(1_000, 24_000), 24_000, 0);
    mix.played('b', tone(1_000, 24_000), 24_000, 0);
    mix.cut('a', 400);
    const { left, right } = mix.mix();
    expect(rms(left, 50, 350)).toBeGreaterThan(0.3);
    expect(rms(left, 450, 1000)).toBeLessThan(0.005);
    expect(rms(right, 450, 950)).toBeGreaterThan(0.3);
  });

  it('writes a 48 kHz 16-bit stereo WAV', () => {
    const mix = new SpeechMix(new Map([['a', -1]]));
    mix.played('a', tone(250, 48_000), 48_000, 5);
    const wav = mix.wav();
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(24)).toBe(48_000);
    expect(wav.readUInt16LE(34)).toBe(16);
    const decoded = decodeWav(wav, 'mix.wav');
    expect(decoded.samples.length).toBe(12_000);
  });
});

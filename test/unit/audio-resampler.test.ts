/**
 * The renderer's streaming resampler (capture 44.1/48 kHz → 16 kHz, speech 22.05/24 kHz → context
 * rate): in-band tones pass intact and on time, out-of-band tones are stopped rather than folded
 * into the speech band, and feeding it in pieces gives the same samples as all at once.
 */
import { describe, expect, it } from 'vitest';
import { StreamResampler } from '../../src/renderer/src/audio/resampler';

function tone(hz: number, rate: number, n: number, phase = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate + phase));
}

function run(r: StreamResampler, input: Float32Array, block = 128): Float32Array {
  const out: number[] = [];
  const buf = new Float32Array(r.maxOutput(block));
  for (let i = 0; i < input.length; i += block) {
    const n = r.process(input.subarray(i, i + block), buf);
    for (let j = 0; j < n; j++) out.push(buf[j]!);
  }
  return Float32Array.from(out);
}

function rms(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return Math.sqrt(s / (to - from));
}

describe('StreamResampler', () => {
  for (const [inRate, outRate] of [
    [44_100, 16_000],
    [48_000, 16_000],
    [24_000, 48_000],
    [22_050, 44_100],
  ] as const) {
    it(`${inRate} → ${outRate} Hz: a 1 kHz tone comes out intact and on time`, () => {
      const out = run(new StreamResampler(inRate, outRate), tone(1_000, inRate, inRate));
      // Output n is the input at n·inRate/outRate: the same tone at the new rate, no delay.
      const want = tone(1_000, outRate, out.length);
      let worst = 0;
      for (let i = 200; i < out.length - 200; i++) worst = Math.max(worst, Math.abs(out[i]! - want[i]!));
      expect(worst).toBeLessThan(1e-3);
    });
  }

  const gainDb = (inRate: number, hz: number): number => {
    const out = run(new StreamResampler(inRate, 16_000), tone(hz, inRate, inRate));
    return 20 * Math.log10(rms(out, 300, out.length - 300) / Math.SQRT1_2);
  };

  it('to 16 kHz: flat through the speech band', () => {
    for (const hz of [300, 1_000, 3_000, 6_000]) {
      expect(Math.abs(gainDb(44_100, hz))).toBeLessThan(0.2);
      expect(Math.abs(gainDb(48_000, hz))).toBeLessThan(0.2);
    }
  });

  it('to 16 kHz: stops what would alias into it (8.5 kHz would fold to 7.5 kHz, 10 kHz to 6 kHz)', () => {
    for (const hz of [8_500, 10_000, 15_000]) {
      expect(gainDb(44_100, hz)).toBeLessThan(-70);
      expect(gainDb(48_000, hz)).toBeLessThan(-70);
    }
  });

  it('gives the same samples whatever the block size', () => {
    const input = tone(440, 44_100, 20_000, 0.3);
    const a = run(new StreamResampler(44_100, 16_000), input, 128);
    const b = run(new StreamResampler(44_100, 16_000), input, 1_000);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
  });

  it('flush releases the tail held back for the filter', () => {
    const r = new StreamResampler(24_000, 48_000);
    const head = run(r, tone(300, 24_000, 2_400));
    const tail = new Float32Array(r.maxOutput(r.lookahead));
    const n = r.flush(tail);
    // 2,400 input samples at 2× = 4,800 outputs in all, give or take the final partial sample.
    expect(Math.abs(head.length + n - 4_800)).toBeLessThanOrEqual(3);
  });
});

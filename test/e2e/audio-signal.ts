/**
 * Deterministic test audio for the audio E2E tests: band-limited noise as a sum of sinusoids, so
 * it can be evaluated exactly at any sample rate and any (fractional) time offset — the reference
 * for "what the engine should receive" needs no resampler of ours — plus a tiny WAV writer.
 */
import { writeFileSync } from 'node:fs';

export interface Tone {
  hz: number;
  amp: number;
  phase: number;
}

/** Period of every signal here, s: all frequencies are multiples of 1/PERIOD_S, so the loop is seamless. */
export const PERIOD_S = 4;

/** Seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Noise from `count` partials between loHz and hiHz with total RMS `rms`. */
export function noisePartials(seed: number, count: number, loHz: number, hiHz: number, rms: number): Tone[] {
  const rand = rng(seed);
  const amp = rms / Math.sqrt(count / 2);
  return Array.from({ length: count }, () => ({
    hz: Math.round((loHz + rand() * (hiHz - loHz)) * PERIOD_S) / PERIOD_S,
    amp,
    phase: rand() * 2 * Math.PI,
  }));
}

/** The signal at `n` samples of `rate` Hz starting at time `t0S`. */
export function render(partials: readonly Tone[], rate: number, n: number, t0S = 0): Float64Array {
  const out = new Float64Array(n);
  for (const p of partials) {
    const w = (2 * Math.PI * p.hz) / rate;
    const start = 2 * Math.PI * p.hz * t0S + p.phase;
    for (let i = 0; i < n; i++) out[i]! += p.amp * Math.sin(start + w * i);
  }
  return out;
}

/** Writes 16-bit PCM; `channels` are equal-length sample arrays in −1…1. */
export function writeWav(path: string, rate: number, channels: readonly Float64Array[]): void {
  const frames = channels[0]!.length;
  const nch = channels.length;
  const data = Buffer.alloc(frames * nch * 2);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++) {
      const x = Math.max(-1, Math.min(1, channels[c]![i]!));
      data.writeInt16LE(Math.round(x * 32767), (i * nch + c) * 2);
    }
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(nch, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * nch * 2, 28);
  header.writeUInt16LE(nch * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** Normalised cross-correlation of equal-length arrays. */
export function ncc(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/**
 * Band-limited resampling: a Blackman-windowed sinc low-pass evaluated as a polyphase filter
 * (linear phase, so nothing is delayed or smeared in time). The cutoff sits just below the lower
 * Nyquist frequency, so 44.1/48 kHz input does not alias into the 0–8 kHz band the VAD and STT see.
 */

/** Zero crossings of the sinc on each side: ~16 gives > 70 dB stop-band with the Blackman window. */
const ZERO_CROSSINGS = 16;
/** Cutoff as a fraction of the lower Nyquist frequency (the transition band ends at Nyquist). */
const CUTOFF = 0.92;
/** Phases tabulated when the rate ratio has more than this many (odd rates): nearest phase is used. */
const MAX_PHASES = 1024;

interface Kernel {
  /** phases × taps coefficients, each phase normalized to unity DC gain. */
  table: Float32Array;
  phases: number;
  taps: number;
  /** Input samples left of the output time covered by tap 0. */
  left: number;
}

const kernels = new Map<string, Kernel>();

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function kernelFor(fromRate: number, toRate: number): Kernel {
  const key = `${fromRate}>${toRate}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  // Cutoff in cycles per input sample.
  const fc = 0.5 * CUTOFF * Math.min(1, toRate / fromRate);
  const halfWidth = ZERO_CROSSINGS / (2 * fc);
  const left = Math.ceil(halfWidth) - 1;
  const taps = 2 * Math.ceil(halfWidth);
  const phases = Math.min(toRate / gcd(fromRate, toRate), MAX_PHASES);
  const table = new Float32Array(phases * taps);
  for (let p = 0; p < phases; p++) {
    const frac = p / phases;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const x = k - left - frac; // input sample position relative to the output time
      const w = Math.abs(x) >= halfWidth ? 0 : blackman(x / halfWidth);
      const h = w * 2 * fc * sinc(2 * fc * x);
      table[p * taps + k] = h;
      sum += h;
    }
    for (let k = 0; k < taps; k++) table[p * taps + k]! /= sum;
  }
  const kernel = { table, phases, taps, left };
  kernels.set(key, kernel);
  return kernel;
}

const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
/** Blackman window over u in [-1, 1]. */
const blackman = (u: number): number => 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);

/**
 * Resamples mono audio from `fromRate` to `toRate` Hz. Output length is round(n · to / from);
 * samples outside the input count as silence. Same rate returns a copy.
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples.slice();
  const { table, phases, taps, left } = kernelFor(fromRate, toRate);
  const n = samples.length;
  const outLength = Math.round((n * toRate) / fromRate);
  const out = new Float32Array(outLength);
  const g = gcd(fromRate, toRate);
  const up = toRate / g; // output time of sample j in input samples = j · down / up
  const down = fromRate / g;
  const exact = up <= MAX_PHASES;
  for (let j = 0; j < outLength; j++) {
    let base: number;
    let phase: number;
    if (exact) {
      const num = j * down;
      base = Math.floor(num / up);
      phase = num - base * up;
    } else {
      const t = (j * fromRate) / toRate;
      base = Math.floor(t);
      phase = Math.round((t - base) * phases);
      if (phase === phases) {
        phase = 0;
        base++;
      }
    }
    const row = phase * taps;
    const first = base - left;
    let acc = 0;
    if (first >= 0 && first + taps <= n) {
      for (let k = 0; k < taps; k++) acc += table[row + k]! * samples[first + k]!;
    } else {
      for (let k = 0; k < taps; k++) {
        const i = first + k;
        if (i >= 0 && i < n) acc += table[row + k]! * samples[i]!;
      }
    }
    out[j] = acc;
  }
  return out;
}

/**
 * The race as the listener heard it: every lane's speech at the engine time the virtual speaker
 * played it, each lane panned (fast left, slow right by default), mixed to one stereo track at
 * 48 kHz. It takes the frames through the speaker's tap, so underruns and interrupts land in the mix
 * as they were heard; nothing is placed by when it was generated.
 */
import { resample } from '../audio/resample';
import { encodeStereoWav } from '../audio/wav';
import type { SpeechTap } from './virtual-speaker';

/** The mix's rate, Hz (what video editors take). */
export const MIX_SAMPLE_RATE = 48_000;

/** One run of back-to-back frames of a lane, at one rate. */
interface Run {
  startAtMs: number;
  sampleRate: number;
  chunks: Int16Array[];
  samples: number;
}

/** A run's frames are contiguous when the next one starts within this of where the run ends. */
const CONTIGUOUS_MS = 0.5;

export interface MixedSpeech {
  left: Float32Array;
  right: Float32Array;
  sampleRate: number;
  /** Engine time of the mix's first sample. */
  originAtMs: number;
}

/**
 * Pan positions −1 (left) … 1 (right) for `lanes` lanes in order: the first lane left, the last
 * right, the others spread evenly between; one lane sits in the middle.
 */
export function defaultPans(lanes: number): number[] {
  if (lanes <= 1) return [0];
  return Array.from({ length: lanes }, (_, i) => -1 + (2 * i) / (lanes - 1));
}

/**
 * Left and right gains of a mono source at `pan`: the equal-power law of the Web Audio
 * StereoPannerNode, so the mix sounds as the app's pan slider places a lane.
 */
export function panGains(pan: number): { left: number; right: number } {
  const x = (Math.min(1, Math.max(-1, pan)) + 1) / 2;
  return { left: Math.cos((x * Math.PI) / 2), right: Math.sin((x * Math.PI) / 2) };
}

export class SpeechMix implements SpeechTap {
  private readonly runs = new Map<string, Run[]>();

  /** `pans`: each lane's pan by lane id; a lane not named sits in the middle. */
  constructor(private readonly pans: ReadonlyMap<string, number>) {}

  played(laneId: string, samples: Int16Array, sampleRate: number, startAtMs: number): void {
    if (samples.length === 0) return;
    let runs = this.runs.get(laneId);
    if (!runs) this.runs.set(laneId, (runs = []));
    const last = runs.at(-1);
    const copy = samples.slice(); // the frame's buffer may be reused by its sender
    if (last && last.sampleRate === sampleRate && Math.abs(runEndAtMs(last) - startAtMs) <= CONTIGUOUS_MS) {
      last.chunks.push(copy);
      last.samples += copy.length;
      return;
    }
    runs.push({ startAtMs, sampleRate, chunks: [copy], samples: copy.length });
  }

  cut(laneId: string, atMs: number): void {
    const runs = this.runs.get(laneId);
    if (!runs) return;
    const kept = runs.filter((r) => r.startAtMs < atMs);
    for (const run of kept) {
      const keep = Math.max(0, Math.floor(((atMs - run.startAtMs) * run.sampleRate) / 1000));
      if (keep < run.samples) {
        const whole = concat(run.chunks, run.samples).subarray(0, keep);
        run.chunks = [whole];
        run.samples = keep;
      }
    }
    this.runs.set(laneId, kept);
  }

  /** Nothing was played yet. */
  get empty(): boolean {
    return [...this.runs.values()].every((runs) => runs.length === 0);
  }

  /**
   * The mix from `originAtMs` (default: the first sample any lane played) to the last sample played.
   * Each run is resampled whole (no seams at frame edges) and placed at its play time.
   */
  mix(originAtMs?: number): MixedSpeech {
    const all = [...this.runs.values()].flat();
    const origin = originAtMs ?? Math.min(...all.map((r) => r.startAtMs), Infinity);
    if (all.length === 0 || !Number.isFinite(origin)) {
      return {
        left: new Float32Array(0),
        right: new Float32Array(0),
        sampleRate: MIX_SAMPLE_RATE,
        originAtMs: 0,
      };
    }
    const at = (ms: number): number => Math.round(((ms - origin) * MIX_SAMPLE_RATE) / 1000);
    const frames = Math.max(...all.map((r) => at(runEndAtMs(r))));
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    for (const [laneId, runs] of this.runs) {
      const gains = panGains(this.pans.get(laneId) ?? 0);
      for (const run of runs) {
        const pcm = concat(run.chunks, run.samples);
        const float = new Float32Array(pcm.length);
        for (let i = 0; i < pcm.length; i++) float[i] = pcm[i]! / 32768;
        const audio = resample(float, run.sampleRate, MIX_SAMPLE_RATE);
        const offset = at(run.startAtMs);
        for (let i = 0; i < audio.length; i++) {
          const j = offset + i;
          if (j < 0 || j >= frames) continue;
          left[j]! += audio[i]! * gains.left;
          right[j]! += audio[i]! * gains.right;
        }
      }
    }
    return { left, right, sampleRate: MIX_SAMPLE_RATE, originAtMs: origin };
  }

  /** The mix as a 16-bit stereo WAV file (clipped where lanes overlap loudly). */
  wav(originAtMs?: number): Buffer {
    const { left, right, sampleRate } = this.mix(originAtMs);
    return encodeStereoWav(left, right, sampleRate);
  }
}

function runEndAtMs(run: Run): number {
  return run.startAtMs + (run.samples * 1000) / run.sampleRate;
}

function concat(chunks: Int16Array[], length: number): Int16Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Int16Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Turns per-frame speech probabilities into utterances. Time is counted in frames of 512 samples
 * (32 ms at 16 kHz) from the first sample pushed, so the result is exact and needs no clock; the lane
 * maps stream time to the engine clock from the capture timestamps. The `vad` CLI and the lanes use
 * this same class.
 *
 * Rules (Silero's own, in frames): a region opens on a frame ≥ positiveThreshold and stays open while
 * frames are ≥ negativeThreshold (hysteresis); it ends once silenceMs have passed since its last voiced
 * frame, so pauses shorter than the window stay inside one utterance. A region with fewer than
 * minSpeechMs of voiced frames is a misfire and emits nothing.
 *
 * With `pauseMs` set, a confirmed utterance that has been silent that long (but not yet the whole
 * window) emits a `pause` with the audio so far, and a voiced frame after it a `resume`: the lane
 * transcribes at the pause and may start its reply before the endpoint (speculation), and
 * `setSilenceMs` lets it lengthen or shorten the window of the utterance in progress.
 */
import { FRAME_MS, FRAME_SAMPLES, type VadModel } from './model';

/** Endpointing options; all durations in milliseconds, rounded up to whole 32 ms frames. */
export interface VadOptions {
  /** Silence after the last voiced frame that ends the utterance (the endpoint). Default 300. */
  silenceMs?: number;
  /** Voiced time needed before an utterance counts (shorter ones are misfires). Default 96. */
  minSpeechMs?: number;
  /** Audio kept before the first voiced frame (and after the last), so syllables are not cut. Default 200. */
  preRollMs?: number;
  /** Probability that opens speech. Default 0.5. */
  positiveThreshold?: number;
  /** Probability below which a frame is silence once speech is open. Default 0.35. */
  negativeThreshold?: number;
  /** Silence after the last voiced frame that emits a tentative `pause`; 0 (default): none. */
  pauseMs?: number;
}

export type VadEvent =
  | {
      type: 'start';
      /** Start of the first voiced frame, stream ms. */
      atMs: number;
      /** When speech was confirmed (end of the frame that reached minSpeechMs), stream ms. */
      decidedMs: number;
    }
  | {
      type: 'end';
      /** End of the last voiced frame, stream ms. */
      atMs: number;
      /** Start of the first voiced frame, stream ms. */
      startMs: number;
      /** When the silence window elapsed and the endpoint was decided, stream ms. */
      endpointMs: number;
      /** The utterance at 16 kHz: pre-roll, speech and up to preRollMs after it. */
      audio: Float32Array;
      /** Stream time of audio[0], ms. */
      audioStartMs: number;
    }
  | {
      /** `pauseMs` of silence inside a confirmed utterance: the speaker may be done. */
      type: 'pause';
      /** End of the last voiced frame, stream ms. */
      atMs: number;
      /** When the pause was decided, stream ms. */
      decidedMs: number;
      /** The utterance so far, as an `end` would carry it. */
      audio: Float32Array;
    }
  | {
      /** The speaker went on after a `pause`: what was heard at the pause is not the whole utterance. */
      type: 'resume';
      /** Start of the voiced frame, stream ms. */
      atMs: number;
    };

export const DEFAULT_VAD_OPTIONS: Required<VadOptions> = {
  silenceMs: 300,
  minSpeechMs: 96,
  preRollMs: 200,
  positiveThreshold: 0.5,
  negativeThreshold: 0.35,
  pauseMs: 0,
};

/** Validates options (a RangeError naming the option) and fills in defaults. */
export function resolveVadOptions(opts: VadOptions = {}): Required<VadOptions> {
  const o = { ...DEFAULT_VAD_OPTIONS, ...stripUndefined(opts) };
  const range = (key: keyof VadOptions, min: number, max: number): void => {
    const v = o[key];
    if (!Number.isFinite(v) || v < min || v > max) {
      throw new RangeError(`VAD option ${key} must be from ${min} to ${max} (got ${v})`);
    }
  };
  range('silenceMs', 0, 10_000);
  range('minSpeechMs', 0, 10_000);
  range('preRollMs', 0, 2_000);
  range('positiveThreshold', 0, 1);
  range('negativeThreshold', 0, o.positiveThreshold);
  range('pauseMs', 0, 10_000);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** An open region: its first voiced frame, last voiced frame, voiced count, audio since pre-roll. */
interface Region {
  first: number;
  last: number;
  voiced: number;
  audio: Float32Array[];
  audioFirst: number;
  /** This utterance's window, frames (`setSilenceMs` may change it). */
  silenceFrames: number;
  /** A `pause` was emitted and no voiced frame has come since. */
  paused: boolean;
}

/** The pure state machine: one probability and its frame in, events out. No model, no clock. */
export class Endpointer {
  private readonly silenceFrames: number;
  private readonly minSpeechFrames: number;
  private readonly rollFrames: number;
  private readonly positive: number;
  private readonly negative: number;
  private readonly pauseFrames: number;

  /** Index of the next frame. */
  private frame = 0;
  /** Frames before the open region (at most rollFrames), for the pre-roll. */
  private history: Float32Array[] = [];
  private region: Region | null = null;
  private confirmed = false;

  constructor(opts: VadOptions = {}) {
    const o = resolveVadOptions(opts);
    this.silenceFrames = Math.max(1, Math.ceil(o.silenceMs / FRAME_MS));
    this.minSpeechFrames = Math.max(1, Math.ceil(o.minSpeechMs / FRAME_MS));
    this.rollFrames = Math.ceil(o.preRollMs / FRAME_MS);
    this.positive = o.positiveThreshold;
    this.negative = o.negativeThreshold;
    this.pauseFrames = o.pauseMs === 0 ? 0 : Math.max(1, Math.ceil(o.pauseMs / FRAME_MS));
  }

  /**
   * The silence window of the utterance in progress, ms (null: back to the configured one). A
   * window already exceeded by the silence so far ends the utterance at the next frame.
   */
  setSilenceMs(silenceMs: number | null): void {
    if (this.region === null) return;
    this.region.silenceFrames =
      silenceMs === null ? this.silenceFrames : Math.max(1, Math.ceil(silenceMs / FRAME_MS));
  }

  /** Whether an utterance is confirmed and not yet ended. */
  get speaking(): boolean {
    return this.confirmed;
  }

  /** Within speech: first voiced frame → end of the last voiced frame so far, ms; 0 outside speech. */
  voicedMs(): number {
    const r = this.region;
    return r === null || !this.confirmed ? 0 : (r.last + 1 - r.first) * FRAME_MS;
  }

  /** Stream time of the next frame's start, ms. */
  get streamMs(): number {
    return this.frame * FRAME_MS;
  }

  /** One frame (FRAME_SAMPLES samples) and the model's speech probability for it. */
  pushFrame(probability: number, frame: Float32Array): VadEvent[] {
    const f = this.frame++;
    const region = this.region;
    if (region === null) {
      if (probability >= this.positive) {
        this.region = {
          first: f,
          last: f,
          voiced: 0,
          audio: this.history,
          audioFirst: f - this.history.length,
          silenceFrames: this.silenceFrames,
          paused: false,
        };
        this.history = [];
        return this.voiced(f, frame);
      }
      this.history.push(frame);
      if (this.history.length > this.rollFrames) this.history.shift();
      return [];
    }
    if (probability >= this.negative) return this.voiced(f, frame);
    region.audio.push(frame);
    const silentFrames = f - region.last;
    if (silentFrames >= region.silenceFrames) return this.close((f + 1) * FRAME_MS);
    if (this.pauseFrames > 0 && this.confirmed && !region.paused && silentFrames >= this.pauseFrames) {
      region.paused = true;
      return [
        {
          type: 'pause',
          atMs: (region.last + 1) * FRAME_MS,
          decidedMs: (f + 1) * FRAME_MS,
          audio: this.utteranceAudio(region),
        },
      ];
    }
    return [];
  }

  /** End of stream: an open, confirmed utterance ends now (endpointMs = stream end). */
  flush(): VadEvent[] {
    return this.region === null ? [] : this.close(this.frame * FRAME_MS);
  }

  reset(): void {
    this.frame = 0;
    this.history = [];
    this.region = null;
    this.confirmed = false;
  }

  private voiced(f: number, frame: Float32Array): VadEvent[] {
    const region = this.region!;
    region.audio.push(frame);
    region.last = f;
    region.voiced++;
    if (!this.confirmed && region.voiced >= this.minSpeechFrames) {
      this.confirmed = true;
      return [{ type: 'start', atMs: region.first * FRAME_MS, decidedMs: (f + 1) * FRAME_MS }];
    }
    if (region.paused) {
      region.paused = false;
      return [{ type: 'resume', atMs: f * FRAME_MS }];
    }
    return [];
  }

  /** The utterance's audio: pre-roll, speech and up to preRollMs after its last voiced frame. */
  private utteranceAudio(region: Region): Float32Array {
    const keep = Math.min(region.audio.length, region.last - region.audioFirst + 1 + this.rollFrames);
    return concat(region.audio.slice(0, keep));
  }

  private close(endpointMs: number): VadEvent[] {
    const region = this.region!;
    const wasConfirmed = this.confirmed;
    this.region = null;
    this.confirmed = false;
    // The frames after the region become the next region's possible pre-roll.
    const tail = region.audio.slice(region.last - region.audioFirst + 1);
    this.history = this.rollFrames === 0 ? [] : tail.slice(-this.rollFrames);
    if (!wasConfirmed) return [];
    const audio = this.utteranceAudio(region);
    return [
      {
        type: 'end',
        atMs: (region.last + 1) * FRAME_MS,
        startMs: region.first * FRAME_MS,
        endpointMs,
        audio,
        audioStartMs: region.audioFirst * FRAME_MS,
      },
    ];
  }
}

function concat(frames: Float32Array[]): Float32Array {
  const out = new Float32Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/**
 * Model + endpointer over a stream of 16 kHz samples in chunks of any size. Calls are serialized,
 * so a lane may push each socket frame as it arrives without awaiting the previous push.
 */
export class VoiceActivityDetector {
  private readonly endpointer: Endpointer;
  private pending = new Float32Array(FRAME_SAMPLES);
  private pendingLength = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: VadModel,
    opts: VadOptions = {},
  ) {
    this.endpointer = new Endpointer(opts);
  }

  get speaking(): boolean {
    return this.endpointer.speaking;
  }

  /** Within speech: first voiced frame → end of the last voiced frame so far, ms; 0 outside speech. */
  voicedMs(): number {
    return this.endpointer.voicedMs();
  }

  /** The silence window of the utterance in progress (see Endpointer.setSilenceMs). */
  setSilenceMs(silenceMs: number | null): void {
    this.endpointer.setSilenceMs(silenceMs);
  }

  /** Feeds samples; resolves with the events of every whole frame they completed. */
  push(samples16k: Float32Array): Promise<VadEvent[]> {
    return this.serial(async () => {
      const events: VadEvent[] = [];
      let at = 0;
      while (at < samples16k.length) {
        const n = Math.min(FRAME_SAMPLES - this.pendingLength, samples16k.length - at);
        this.pending.set(samples16k.subarray(at, at + n), this.pendingLength);
        this.pendingLength += n;
        at += n;
        if (this.pendingLength === FRAME_SAMPLES) {
          const frame = this.pending;
          this.pending = new Float32Array(FRAME_SAMPLES);
          this.pendingLength = 0;
          const probability = await this.model.process(frame);
          events.push(...this.endpointer.pushFrame(probability, frame));
        }
      }
      return events;
    });
  }

  /** End of stream: drops a partial frame and ends an open utterance. */
  flush(): Promise<VadEvent[]> {
    return this.serial(async () => {
      this.pendingLength = 0;
      return this.endpointer.flush();
    });
  }

  /** A new stream: model state, partial frame and endpointer are cleared. */
  reset(): Promise<void> {
    return this.serial(async () => {
      this.pendingLength = 0;
      this.model.reset();
      this.endpointer.reset();
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

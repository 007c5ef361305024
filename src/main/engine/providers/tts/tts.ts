/**
 * Text-to-speech in two layers, like livekit agents-js `tts.ts`: a `Tts` (one per lane, configured
 * from a spec) hands out a `SynthesisStream` per chunk of text. The stream is an async iterable of
 * PCM frames; the base class owns everything but the synthesis itself — empty text, framing into
 * ≤ 40 ms frames, cancellation, timing on the injected clock, and error typing — so a provider writes
 * one method, `run()`.
 */
import type { Clock } from '../../clock';
import type { ModelProgress } from '../../models/manager';
import { TtsError } from './errors';

/** One piece of synthesized audio. */
export interface TtsFrame {
  /** Mono 16-bit PCM at `sampleRate`; at most `MAX_FRAME_MS` long. */
  pcm: Int16Array;
  /** Samples per second (the provider's native rate: espeak 22,050, OpenAI 24,000, Kokoro 24,000). */
  sampleRate: number;
  /** Where the frame starts in this chunk's audio, ms. */
  offsetMs: number;
}

/** Timing of one synthesis, all on the injected clock. */
export interface TtsMetrics {
  /** Characters of text asked for. */
  chars: number;
  /** Request → first audio frame, ms; null when there was no audio (empty text, abort, error). */
  firstAudioMs: number | null;
  /** Length of the audio produced, ms. */
  audioMs: number;
  /** Request → last frame (or abort/error), ms. */
  totalMs: number;
  /** totalMs / audioMs: below 1 is faster than real time; null without audio. */
  realTimeFactor: number | null;
  aborted: boolean;
}

export interface TtsWarmOptions {
  onProgress?: (progress: ModelProgress) => void;
}

export interface SynthesizeOptions {
  /** Aborting stops the synthesis at once: the iteration ends quietly, no error. */
  signal?: AbortSignal;
}

/** The longest frame handed on, ms: short enough that playback can start and stop promptly. */
export const MAX_FRAME_MS = 40;

export abstract class Tts {
  /** Provider id as in the spec: `espeak`, `openai`, … */
  abstract readonly id: string;
  /** "espeak-ng · US English (male)" */
  abstract readonly label: string;
  /** Output samples per second, fixed for the provider's lifetime. */
  abstract readonly sampleRate: number;
  /** Warnings about the configuration the caller should show (e.g. an unknown voice replaced). */
  readonly warnings: string[] = [];

  constructor(protected readonly clock: Clock) {}

  /**
   * Why the synthesis runs on the engine thread (its worker did not start), once known; null while
   * it runs in its own thread. The lane tells its clients (`lane.notice`): every lane's timings suffer.
   */
  get engineThread(): string | null {
    return null;
  }

  /** One chunk of text → a stream of frames. Cheap: nothing happens until it is iterated. */
  synthesize(text: string, options: SynthesizeOptions = {}): SynthesisStream {
    return new SynthesisStream(this, text, options.signal, this.clock);
  }

  /** Synthesizes `text` whole; for the CLI, tests and benchmarks. */
  async synthesizeAll(
    text: string,
    options: SynthesizeOptions = {},
  ): Promise<{ pcm: Int16Array; sampleRate: number; metrics: TtsMetrics }> {
    const stream = this.synthesize(text, options);
    const frames: Int16Array[] = [];
    for await (const frame of stream) frames.push(frame.pcm);
    return { pcm: concatPcm(frames), sampleRate: this.sampleRate, metrics: stream.metrics };
  }

  /**
   * Loads whatever the first synthesis would otherwise wait for (warm instances, models — downloading
   * a missing one with progress unless offline).
   */
  async warm(_options: TtsWarmOptions = {}): Promise<void> {}

  /** Releases sockets, workers and models. */
  async close(): Promise<void> {}

  /**
   * The one method a provider writes: PCM for `text` (never empty) at `sampleRate`, yielded as soon
   * as it exists, in pieces of any length. Stop when `signal` aborts. Throw a TtsError on failure.
   */
  protected abstract run(text: string, signal: AbortSignal): AsyncIterable<Int16Array>;

  /** @internal for SynthesisStream */
  runFor(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    return this.run(text, signal);
  }
}

const ABORTED = Symbol('aborted');

/** The frames of one synthesis. Iterate once; `metrics` is final when the iteration ends. */
export class SynthesisStream implements AsyncIterable<TtsFrame> {
  readonly metrics: TtsMetrics;
  private used = false;

  constructor(
    private readonly tts: Tts,
    readonly text: string,
    private readonly signal: AbortSignal | undefined,
    private readonly clock: Clock,
  ) {
    this.metrics = {
      chars: text.length,
      firstAudioMs: null,
      audioMs: 0,
      totalMs: 0,
      realTimeFactor: null,
      aborted: false,
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TtsFrame> {
    if (this.used) throw new Error('a SynthesisStream can be iterated once');
    this.used = true;
    const { clock, metrics, tts } = this;
    const startMs = clock.now();
    const sampleRate = tts.sampleRate;
    const frameSamples = Math.max(1, Math.floor((sampleRate * MAX_FRAME_MS) / 1000));
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    this.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.signal?.aborted) ac.abort();
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      if (ac.signal.aborted) resolve(ABORTED);
      else ac.signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
    });
    let samples = 0;
    let iterator: AsyncIterator<Int16Array> | undefined;
    try {
      if (this.text.trim() === '' || ac.signal.aborted) return;
      iterator = tts.runFor(this.text, ac.signal)[Symbol.asyncIterator]();
      for (;;) {
        const next = iterator.next();
        next.catch(() => undefined); // an abort may leave it to settle unobserved
        const step = await Promise.race([next, aborted]);
        if (step === ABORTED || step.done) break;
        const pcm = step.value;
        for (let i = 0; i < pcm.length; i += frameSamples) {
          if (ac.signal.aborted) break;
          const frame = pcm.subarray(i, Math.min(pcm.length, i + frameSamples));
          if (metrics.firstAudioMs === null) metrics.firstAudioMs = clock.now() - startMs;
          const offsetMs = (samples * 1000) / sampleRate;
          samples += frame.length;
          metrics.audioMs = (samples * 1000) / sampleRate;
          yield { pcm: frame, sampleRate, offsetMs };
        }
        if (ac.signal.aborted) break;
      }
    } catch (err) {
      if (ac.signal.aborted) return;
      throw err instanceof TtsError ? err : TtsError.wrap(err, tts.label);
    } finally {
      metrics.aborted = ac.signal.aborted;
      metrics.totalMs = clock.now() - startMs;
      metrics.realTimeFactor = metrics.audioMs > 0 ? metrics.totalMs / metrics.audioMs : null;
      this.signal?.removeEventListener('abort', onAbort);
      ac.abort(); // the consumer stopped early, or we are done: the provider stops too
      void iterator?.return?.()?.catch(() => undefined);
    }
  }
}

export function concatPcm(frames: Int16Array[]): Int16Array {
  let n = 0;
  for (const f of frames) n += f.length;
  const out = new Int16Array(n);
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

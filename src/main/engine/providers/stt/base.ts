/** The base every STT provider extends: timing on the injected Clock, checks, abort and error mapping. */
import type { Clock } from '../../clock';
import type { ModelProgress } from '../../models/manager';
import { errorMessage, ProviderError } from '../../errors';
import { SttError, STT_SAMPLE_RATE } from './types';
import type { SttRequest, SttResult } from './types';

/** What a provider's `run()` gets: the utterance, a signal, and a partial-text sink. */
export interface TranscribeContext {
  signal: AbortSignal;
  onPartial: (text: string) => void;
}

/** What `prepare` may do before the first utterance (local models: download and load). */
export interface SttPrepareOptions {
  signal?: AbortSignal;
  /** Never download; a missing model is a ModelMissingError. */
  offline?: boolean;
  /** Download progress of a local model, for the UI. */
  onProgress?: (progress: ModelProgress) => void;
}

/** Longest utterance accepted, s (Whisper-class models and upload limits are far beyond a turn). */
export const MAX_UTTERANCE_S = 120;

export abstract class Stt {
  /** Spec provider id: `local`, `groq`, `openai`, `openai-compatible`, `typed`. */
  abstract readonly id: string;
  /** "Groq · whisper-large-v3-turbo", for the UI. */
  abstract readonly label: string;
  /** False for `typed`: the lane takes typed input and sends no audio here. */
  readonly acceptsAudio: boolean = true;

  constructor(protected readonly clock: Clock) {}

  /**
   * Why recognition runs on the engine thread (its worker did not start), once known; null while it
   * runs in its own thread. The lane tells its clients (`lane.notice`): every lane's timings suffer.
   */
  get engineThread(): string | null {
    return null;
  }

  /**
   * One utterance in, its transcript out. Aborting resolves with `aborted: true` (not an error); every
   * failure is an SttError (or the model manager's ModelMissingError) with a one-line message.
   */
  async recognize(request: SttRequest): Promise<SttResult> {
    const startMs = this.clock.now();
    const { audio } = request;
    if (!(audio instanceof Float32Array)) {
      throw new SttError('bad_audio', `${this.label}: audio must be 16 kHz mono float samples`);
    }
    if (audio.length > MAX_UTTERANCE_S * STT_SAMPLE_RATE) {
      throw new SttError(
        'bad_audio',
        `${this.label}: the utterance is ${(audio.length / STT_SAMPLE_RATE).toFixed(0)} s long ` +
          `(at most ${MAX_UTTERANCE_S} s)`,
      );
    }
    const ac = new AbortController();
    const outer = request.signal;
    const onAbort = (): void => ac.abort(outer?.reason);
    if (outer?.aborted) return { text: '', sttMs: 0, aborted: true };
    outer?.addEventListener('abort', onAbort, { once: true });
    try {
      const text =
        audio.length === 0
          ? ''
          : await this.run(audio, {
              signal: ac.signal,
              onPartial: (t) => {
                if (!ac.signal.aborted) request.onPartial?.(t);
              },
            });
      const sttMs = this.clock.now() - startMs;
      if (ac.signal.aborted) return { text: '', sttMs, aborted: true };
      return { text: text.trim(), sttMs, aborted: false };
    } catch (err) {
      if (ac.signal.aborted) return { text: '', sttMs: this.clock.now() - startMs, aborted: true };
      throw this.mapError(err);
    } finally {
      outer?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The lane's port (`SttPort` in engine/voice/ports.ts): the transcript only, '' when aborted or
   * silent; failures reject as in `recognize`. The lane times the stage itself.
   */
  async transcribe(
    audio: Float32Array,
    signal: AbortSignal,
    onPartial?: (text: string) => void,
  ): Promise<string> {
    return (await this.recognize({ audio, signal, ...(onPartial ? { onPartial } : {}) })).text;
  }

  /** Loads what the provider needs ahead of the first utterance (a no-op for remote providers). */
  async prepare(_options?: SttPrepareOptions): Promise<void> {}

  /** Frees what `prepare` loaded. */
  async close(): Promise<void> {}

  /** The one method a provider writes: 16 kHz mono samples in, text out (livekit's `_recognize`). */
  protected abstract run(audio: Float32Array, ctx: TranscribeContext): Promise<string>;

  /** Provider-specific failures → SttError; the default passes known errors and wraps the rest. */
  protected mapError(err: unknown): unknown {
    if (err instanceof ProviderError) return err;
    const why = errorMessage(err).split('\n')[0];
    return new SttError('failed', `${this.label} failed: ${why}`, { cause: err });
  }
}

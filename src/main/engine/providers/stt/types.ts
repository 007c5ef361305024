/**
 * Speech-to-text, two layers in the style of livekit agents-js `stt.ts`: an `Stt` (one per lane,
 * made by `createStt`) recognizes one utterance per call; the base class owns timing, input checks,
 * cancellation and error mapping, and a provider writes only `run()`.
 */

/** One utterance as the VAD cut it. */
export interface SttRequest {
  /** Mono samples in [-1, 1] at 16 kHz. */
  audio: Float32Array;
  /** Aborting ends the recognition quietly: the result then has `aborted: true`. */
  signal?: AbortSignal;
  /** Text so far, for providers that can stream it (local Whisper does). */
  onPartial?: (text: string) => void;
}

export interface SttResult {
  /** The transcript, trimmed (empty when nothing was said or when aborted). */
  text: string;
  /** Request → transcript on the injected Clock, ms. */
  sttMs: number;
  aborted: boolean;
}

/** Sample rate every provider is given, Hz. */
export const STT_SAMPLE_RATE = 16_000;

// The errors live beside the LLM and TTS ones; importers of this file keep finding them here.
export { SttError, STT_ERROR_RETRYABLE } from './errors';
export type { SttErrorCode } from './errors';

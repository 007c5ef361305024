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

export type SttErrorCode =
  | 'auth' // 401/403: bad or missing key
  | 'rate_limited' // 429, with retryAfterMs when the provider says
  | 'bad_request' // 400/404/422: wrong model, bad parameters, audio refused
  | 'server' // 5xx
  | 'network' // could not connect
  | 'malformed' // the reply was not a transcription
  | 'no_audio' // typed mode: there is no recognizer to give audio to
  | 'bad_audio' // empty or not 16 kHz float samples
  | 'failed'; // the local model threw

export const STT_ERROR_RETRYABLE: Readonly<Record<SttErrorCode, boolean>> = {
  auth: false,
  rate_limited: true,
  bad_request: false,
  server: true,
  network: true,
  malformed: false,
  no_audio: false,
  bad_audio: false,
  failed: false,
};

export class SttError extends Error {
  override name = 'SttError';
  constructor(
    readonly code: SttErrorCode,
    /** One sentence a presenter can act on; names the provider, never contains a key. */
    message: string,
    readonly extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  }
  get retryable(): boolean {
    return STT_ERROR_RETRYABLE[this.code];
  }
  get status(): number | undefined {
    return this.extra.status;
  }
  /** How long the provider asked us to wait, ms (429 only). */
  get retryAfterMs(): number | undefined {
    return this.extra.retryAfterMs;
  }
}

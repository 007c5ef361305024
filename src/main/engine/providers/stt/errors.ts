/**
 * STT failures. The HTTP providers fail as the LLM client does and are classified by it
 * (`../llm/classify`); the recognizer adds the failures of its input and of a local model.
 * Cancellation is not an error: an aborted recognition resolves with `aborted: true`.
 */
import { ProviderError } from '../../errors';
import type { ProviderErrorDetail } from '../../errors';

export type SttErrorCode =
  | 'auth' // 401/403: bad or missing key
  | 'rate_limited' // 429, with retryAfterMs when the provider says
  | 'bad_request' // 400/404/422: wrong model, bad parameters, audio refused
  | 'server' // 5xx
  | 'network' // could not connect, or the connection dropped or stalled
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
  // A local model that threw (or would not load) throws again on the same audio until it is replaced.
  failed: false,
};

export class SttError extends ProviderError<SttErrorCode> {
  override name = 'SttError';
  constructor(code: SttErrorCode, message: string, extra: ProviderErrorDetail = {}) {
    super('stt', code, message, STT_ERROR_RETRYABLE[code], extra);
  }
}

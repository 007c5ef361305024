/**
 * TTS failures. The HTTP providers fail in exactly the ways the LLM client does (same `openai` SDK,
 * same sockets), so they share its codes, its retryable table and its classification (`../llm/errors`,
 * `../llm/classify`); a local engine adds two of its own. Cancellation is not an error: an aborted
 * synthesis ends quietly.
 */
import { errorMessage, ProviderError } from '../../errors';
import type { ProviderErrorDetail } from '../../errors';
import { LLM_ERROR_RETRYABLE, LlmError } from '../llm/errors';
import type { LlmErrorCode } from '../llm/errors';

export type TtsErrorCode =
  | LlmErrorCode
  | 'model_missing' // the voice's model is not downloaded (or failed its checksum)
  | 'engine'; // the local engine threw while speaking

export const TTS_ERROR_RETRYABLE: Readonly<Record<TtsErrorCode, boolean>> = {
  ...LLM_ERROR_RETRYABLE,
  // Asking again will not download it: the user fetches the model or picks another voice first.
  model_missing: false,
  // A local engine that threw on one sentence usually speaks the next (the lane stays usable).
  engine: true,
};

export class TtsError extends ProviderError<TtsErrorCode> {
  override name = 'TtsError';

  constructor(code: TtsErrorCode, message: string, extra: ProviderErrorDetail = {}) {
    super('tts', code, message, TTS_ERROR_RETRYABLE[code], extra);
  }

  /** An HTTP failure, classified by the LLM client, as the speech failure it is. */
  static fromLlm(err: LlmError): TtsError {
    return new TtsError(err.code, err.message, err.extra);
  }

  /** Anything else a provider threw: an engine fault, named, one line. */
  static wrap(err: unknown, label: string): TtsError {
    if (err instanceof TtsError) return err;
    if (err instanceof LlmError) return TtsError.fromLlm(err);
    const why = errorMessage(err).split('\n')[0];
    return new TtsError('engine', `${label} failed: ${why}`, { cause: err });
  }
}

/**
 * TTS failures. The HTTP providers fail in exactly the ways the LLM client does (same `openai` SDK,
 * same sockets), so the codes, the retryable table and the classification are the LLM client's
 * (`../llm/errors`, `../llm/classify`); a TtsError is an LlmError that says it came from speech.
 * Cancellation is not an error: an aborted synthesis ends quietly.
 */
import { LlmError } from '../llm/errors';
import type { LlmErrorCode } from '../llm/errors';

export type TtsErrorCode = LlmErrorCode | 'model_missing' | 'engine';

export class TtsError extends LlmError {
  override name = 'TtsError';
  readonly stage = 'tts';

  constructor(
    readonly ttsCode: TtsErrorCode,
    message: string,
    retryable: boolean,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    // model_missing / engine have no LLM counterpart; 'malformed' (not retryable) is the closest.
    super(isLlmCode(ttsCode) ? ttsCode : 'malformed', message, retryable, extra);
  }

  static fromLlm(err: LlmError): TtsError {
    if (err instanceof TtsError) return err;
    return new TtsError(err.code, err.message, err.retryable, err.extra);
  }

  /** Anything else a provider threw: an engine fault, named, one line. */
  static wrap(err: unknown, label: string): TtsError {
    if (err instanceof TtsError) return err;
    if (err instanceof LlmError) return TtsError.fromLlm(err);
    const why = err instanceof Error ? err.message : String(err);
    return new TtsError('engine', `${label} failed: ${why.split('\n')[0]}`, true, { cause: err });
  }
}

const LLM_CODES = new Set<string>([
  'auth',
  'rate_limited',
  'bad_request',
  'server',
  'network',
  'stream_cut',
  'stalled',
  'malformed',
]);

function isLlmCode(code: TtsErrorCode): code is LlmErrorCode {
  return LLM_CODES.has(code);
}

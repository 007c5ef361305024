/**
 * Every way an LLM request can fail, as one typed error the lane turns into a UI message.
 * Cancellation is not among them: an aborted turn ends quietly.
 */
import { ProviderError } from '../../errors';
import type { ProviderErrorDetail } from '../../errors';

/** How a request over HTTP fails; the HTTP TTS providers fail the same ways and share these codes. */
export type LlmErrorCode =
  | 'auth' // 401/403: bad or missing key
  | 'rate_limited' // 429, with retryAfterMs when the provider says
  | 'bad_request' // 400/404/422: wrong model, bad parameters
  | 'server' // 5xx, or an error event inside the stream
  | 'network' // could not connect / connection refused / DNS
  | 'stream_cut' // the connection closed before the stream finished
  | 'stalled' // no data for longer than the stall timeout
  | 'malformed'; // the stream was not valid SSE / JSON chunks

/** Whether sending the same request again unchanged may succeed (the UI offers "try again" for these). */
export const LLM_ERROR_RETRYABLE: Readonly<Record<LlmErrorCode, boolean>> = {
  auth: false,
  rate_limited: true,
  bad_request: false,
  server: true,
  network: true,
  stream_cut: true,
  stalled: true,
  malformed: false,
};

export class LlmError extends ProviderError<LlmErrorCode> {
  override name = 'LlmError';
  constructor(code: LlmErrorCode, message: string, extra: ProviderErrorDetail = {}) {
    super('llm', code, message, LLM_ERROR_RETRYABLE[code], extra);
  }
}

/**
 * Every way an LLM request can fail, as one typed error the lane turns into a UI message.
 * Cancellation is not among them: an aborted turn ends quietly.
 */
export type LlmErrorCode =
  | 'auth' // 401/403: bad or missing key
  | 'rate_limited' // 429, with retryAfterMs when the provider says
  | 'bad_request' // 400/404/422: wrong model, bad parameters
  | 'server' // 5xx
  | 'network' // could not connect / connection refused / DNS
  | 'stream_cut' // the connection closed before the stream finished
  | 'stalled' // no data for longer than the stall timeout
  | 'malformed'; // the stream was not valid SSE / JSON chunks

export class LlmError extends Error {
  override name = 'LlmError';
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message);
  }
  get status(): number | undefined {
    return this.extra.status;
  }
  get retryAfterMs(): number | undefined {
    return this.extra.retryAfterMs;
  }
}

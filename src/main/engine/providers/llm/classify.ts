/**
 * Turns whatever the `openai` SDK (v6) or the socket threw into one LlmError a presenter can act on.
 *
 * How the SDK surfaces each case (node_modules/openai/core/error.js, core/streaming.js, client.js):
 * - HTTP status ≥ 400 before the stream: `APIError.generate` → AuthenticationError (401),
 *   PermissionDeniedError (403), BadRequestError (400), NotFoundError (404), UnprocessableEntityError
 *   (422), RateLimitError (429), InternalServerError (≥ 500); `.status`, `.headers`, `.error` (the body's
 *   `error` object).
 * - No response at all: `APIConnectionError` whose `cause` is undici's `TypeError: fetch failed`, whose
 *   own `cause` carries the errno (`ECONNREFUSED`, `ENOTFOUND`, …), or `SocketError: other side
 *   closed` (`UND_ERR_SOCKET`) when the server took the connection and closed it before answering, or
 *   a plain `Error: bad port` for a port fetch refuses; `APIConnectionTimeoutError` for the SDK's own
 *   timeout.
 * - Abort before the response: `APIUserAbortError`; abort during the stream: the iterator just ends.
 * - Connection closed mid-stream: undici's `TypeError: terminated` straight from the iterator; a stream
 *   that ends cleanly without `[DONE]` just ends (the caller checks for a finish_reason).
 * - A `data:` line that is not JSON: the `SyntaxError` from `JSON.parse`.
 * - An `{"error": …}` object inside the stream: `APIError` with no status.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { LlmError } from './errors';
import type { LlmErrorCode } from './errors';

export interface FailureContext {
  /** "Cerebras", "Simulated", … */
  label: string;
  baseURL: string;
  /** What to check after a 401/403, e.g. "Check CEREBRAS_API_KEY." (empty for keyless backends). */
  keyAdvice: string;
  /** Scrubbed from every message, in case a provider echoes it. */
  key: string | undefined;
}

const MAX_PROVIDER_MESSAGE = 240;

/** Maps an SDK or socket error to an LlmError; `phase` says whether the response had started. */
export function classifyFailure(err: unknown, phase: 'request' | 'stream', ctx: FailureContext): LlmError {
  if (err instanceof LlmError) return err;
  const { label } = ctx;
  if (err instanceof APIConnectionTimeoutError) {
    return fail('network', ctx, `Could not reach ${label} at ${ctx.baseURL} (timed out)${hint(ctx)}`, err);
  }
  if (err instanceof APIConnectionError) return unreachable(err, ctx);
  if (err instanceof APIError) {
    const said = providerMessage(err, ctx);
    const status = err.status ?? statusInBody(err.error);
    if (status === undefined) {
      // An error object sent inside an otherwise healthy stream.
      return fail('server', ctx, `${label} reported an error mid-stream${said ? `: ${said}` : ''}`, err);
    }
    return fromStatus(status, said, readRetryAfterMs(err.headers), ctx, err);
  }
  if (err instanceof SyntaxError) {
    return fail('malformed', ctx, `${label} sent a stream chunk that is not valid JSON`, err);
  }
  if (phase === 'request') return unreachable(err, ctx);
  return fail('stream_cut', ctx, `${label} closed the connection before the reply finished`, err);
}

/**
 * No response at all. Three cases read differently to a person: nothing listens (refused, DNS), the
 * server took the connection and dropped it before answering (not an HTTP server, a TLS port, an
 * overloaded proxy), and undici refusing the port itself before any connection is tried.
 */
function unreachable(err: unknown, ctx: FailureContext): LlmError {
  const { label, baseURL } = ctx;
  const reason = netReason(err);
  if (reason === BLOCKED_PORT) {
    return fail('network', ctx, `${label} at ${baseURL}: ${blockedPortAdvice(baseURL)}`, err);
  }
  // A close and a reset are one thing to the user: which one arrives is a race between our request
  // bytes and the server's close (a reset when the request was already on its way).
  if (reason === CLOSED || reason === RESET) {
    const advice = isLocal(baseURL)
      ? 'is that port an OpenAI-compatible HTTP server?'
      : 'try again in a moment';
    const text = `${label} at ${baseURL} closed the connection without answering — ${advice}`;
    return fail('network', ctx, text, err);
  }
  return fail('network', ctx, `Could not reach ${label} at ${baseURL} (${reason})${hint(ctx)}`, err);
}

/**
 * fetch refuses the Fetch standard's "bad ports" (https://fetch.spec.whatwg.org/#port-blocking:
 * ports of other protocols such as 1, 21, 22, 25, 6000, 6665–6669) before connecting, with the bare
 * message "bad port".
 */
function blockedPortAdvice(baseURL: string): string {
  let port = '';
  try {
    port = new URL(baseURL).port;
  } catch {
    // the spec parser validated the URL; keep the generic wording if it still does not parse
  }
  const which = port === '' ? 'this port' : `port ${port}`;
  return `${which} is on fetch's list of blocked ports (ports of other protocols), so no request was sent; use another port`;
}

function fromStatus(
  status: number,
  said: string,
  retryAfterMs: number | undefined,
  ctx: FailureContext,
  cause: unknown,
): LlmError {
  const { label } = ctx;
  const detail = said ? `: ${said}` : '';
  if (status === 401 || status === 403) {
    const what =
      status === 401 ? `${label} rejected the API key (401)` : `${label} refused the request (403)${detail}`;
    return fail('auth', ctx, `${sentence(what)}${ctx.keyAdvice ? ` ${ctx.keyAdvice}` : ''}`, cause, {
      status,
    });
  }
  if (status === 429) {
    // Providers often say when to come back themselves ("… try again in 3s."); say it only once.
    const saysWhen = /\b(try again|retry)\b/i.test(said);
    const wait =
      retryAfterMs === undefined || saysWhen ? '' : ` Try again in ${formatSeconds(retryAfterMs)}.`;
    const text = `${sentence(`${label} is rate limiting requests (429)${detail}`)}${wait}`;
    const extra = retryAfterMs === undefined ? { status } : { status, retryAfterMs };
    return fail('rate_limited', ctx, text, cause, extra);
  }
  if (status >= 500) {
    return fail('server', ctx, `${label} had a server error (${status})${detail}`, cause, { status });
  }
  return fail('bad_request', ctx, `${label} rejected the request (${status})${detail}`, cause, { status });
}

function fail(
  code: LlmErrorCode,
  ctx: FailureContext,
  message: string,
  cause: unknown,
  extra: { status?: number; retryAfterMs?: number } = {},
): LlmError {
  return new LlmError(code, redact(message, ctx.key), { ...extra, cause });
}

/** The provider's own words (e.g. "model foo does not exist"), short, single-line, key-free. */
function providerMessage(err: APIError, ctx: FailureContext): string {
  const body = err.error as { message?: unknown } | undefined;
  let text =
    body && typeof body.message === 'string'
      ? body.message
      : err.message.replace(/^\d{3}\s+/, '').replace(/status code \(no body\)$/, '');
  text = text.replace(/\s+/g, ' ').trim();
  if (text.startsWith('<')) return ''; // an HTML error page from a proxy says nothing useful
  if (text.length > MAX_PROVIDER_MESSAGE) text = `${text.slice(0, MAX_PROVIDER_MESSAGE - 1)}…`;
  return redact(text, ctx.key);
}

/** Ends with exactly one full stop (or the provider's own "!"/"?"), never "3s..". */
function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

function statusInBody(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { code, status } = body as { code?: unknown; status?: unknown };
  for (const v of [status, code]) {
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 400 && n < 600) return n;
  }
  return undefined;
}

/** `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
export function readRetryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const s = Number(raw);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  // An HTTP date is wall-clock by nature; this is a wait hint, not a latency figure.
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`;
}

function isLocal(baseURL: string): boolean {
  try {
    const host = new URL(baseURL).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

function hint(ctx: FailureContext): string {
  return isLocal(ctx.baseURL) ? ' — is the server running?' : ' — is the network down or the address wrong?';
}

const NET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
};
const CLOSED = NET_REASONS.UND_ERR_SOCKET!;
const RESET = NET_REASONS.ECONNRESET!;
/** undici's whole message when fetch refuses a port; it carries no code. */
const BLOCKED_PORT = 'bad port';

/** Walks `cause` (and AggregateError's `errors`) for an errno code undici buried. */
export function netReason(err: unknown): string {
  let innermost = '';
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const { code, message, cause, errors } = e as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string') {
      if (NET_REASONS[code]) return NET_REASONS[code];
      if (code.includes('CERT') || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))
        return 'TLS error';
    }
    if (typeof message === 'string' && message !== '') innermost = message;
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return innermost === '' || innermost === 'Connection error.' ? 'connection failed' : innermost;
}

function redact(text: string, key: string | undefined): string {
  return key !== undefined && key.length >= 4 ? text.split(key).join('***') : text;
}

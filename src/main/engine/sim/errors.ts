/**
 * OpenAI-style error responses: `{ error: { message, type, param, code } }` with a 4xx/5xx status, the
 * shape every OpenAI client library turns into its typed errors.
 */
import type { ServerResponse } from 'node:http';

export interface ApiErrorBody {
  message: string;
  /** OpenAI's error type, e.g. `invalid_request_error`, `rate_limit_error`, `server_error`. */
  type: string;
  param: string | null;
  code: string | null;
}

export interface ApiErrorOptions {
  type?: string;
  param?: string | null;
  code?: string | null;
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Record<string, string>;
  /** Close the connection after the response (used when the request body was not read). */
  close?: boolean;
}

/** Sends an OpenAI-style JSON error unless a response is already under way. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  o: ApiErrorOptions = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const error: ApiErrorBody = {
    message,
    type: o.type ?? 'invalid_request_error',
    param: o.param ?? null,
    code: o.code ?? null,
  };
  const body = JSON.stringify({ error });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(o.close ? { connection: 'close' } : {}),
    ...o.headers,
  });
  res.end(body);
}

/** Sends a JSON body with status 200 (or the given one). */
export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

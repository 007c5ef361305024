/**
 * What each provider fault must read as, the same through the CLI (the stderr line after
 * "dialtone chat: ") and through the socket (the error event's message and code).
 */

/** The short stall timeout the fault matrix runs its silent rows with, ms (DIALTONE_STALL_TIMEOUT_MS). */
export const FAULT_STALL_MS = 1_500;

export const FAULT_LINES = {
  rateLimited: {
    code: 'rate_limited',
    line: /^Simulated backend is rate limiting requests \(429\): .*try again in 3 ?s\.$/i,
  },
  server500: { code: 'server', line: /^Simulated backend had a server error \(500\): .+$/ },
  auth401: { code: 'auth', line: /^Simulated backend rejected the API key \(401\)\.$/ },
  drop: { code: 'stream_cut', line: /^Simulated backend closed the connection before the reply finished$/ },
  stall: {
    code: 'stalled',
    line: /^Simulated backend sent nothing for 1\.5 s \(after 5 tokens\), so the request was stopped$/,
  },
  malformed: { code: 'malformed', line: /^Simulated backend sent a stream chunk that is not valid JSON$/ },
  refused: {
    code: 'network',
    line: /^Could not reach OpenAI-compatible at http:\/\/127\.0\.0\.1:\d+\/v1 \(connection refused\) — is the server running\?$/,
  },
  blockedPort: {
    code: 'network',
    line: /^OpenAI-compatible at http:\/\/127\.0\.0\.1:1\/v1: port 1 is on fetch's list of blocked ports .*; use another port$/,
  },
  acceptThenClose: {
    code: 'network',
    line: /^OpenAI-compatible at http:\/\/127\.0\.0\.1:\d+\/v1 closed the connection without answering — .+\?$/,
  },
  neverAnswers: {
    code: 'stalled',
    line: /^OpenAI-compatible at http:\/\/127\.0\.0\.1:\d+\/v1 did not answer within 1\.5 s, so the request was stopped$/,
  },
} as const satisfies Record<string, { code: string; line: RegExp }>;

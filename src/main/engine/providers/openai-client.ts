/**
 * The official `openai` client, set up for any OpenAI-compatible provider. Every option the SDK
 * would otherwise read from process.env (OPENAI_API_KEY, OPENAI_ORG_ID, …) is given explicitly, so an
 * OpenAI key or org header never travels to another provider; a keyless server gets no
 * Authorization header at all. Retries are ours to decide (none), and the SDK stays quiet.
 */
import OpenAI from 'openai';

export interface OpenAiClientOptions {
  baseURL: string;
  /** undefined: a keyless server (Ollama, LM Studio, the simulated backend). */
  apiKey: string | undefined;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export function createOpenAiClient(opts: OpenAiClientOptions): OpenAI {
  return new OpenAI({
    apiKey: opts.apiKey ?? 'unused',
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL: opts.baseURL,
    maxRetries: 0,
    logLevel: 'off',
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
  });
}

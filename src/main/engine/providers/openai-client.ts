/**
 * The official `openai` client, set up for any OpenAI-compatible provider. Every option the SDK
 * would otherwise read from process.env (OPENAI_API_KEY, OPENAI_ORG_ID, …) is given explicitly, so an
 * OpenAI key or org header never travels to another provider; a keyless server gets no
 * Authorization header at all. Retries are ours to decide (none), and the SDK stays quiet.
 */
import OpenAI from 'openai';
import { readyFetch } from './ready-fetch';

export interface OpenAiClientOptions {
  baseURL: string;
  /** undefined: a keyless server (Ollama, LM Studio, the simulated backend). */
  apiKey: string | undefined;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  /** Default: the global fetch, warmed up so a server that closes at once fails fast (ready-fetch.ts). */
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
    fetch: opts.fetch ?? readyFetch,
    ...(opts.apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
  });
}

/**
 * The LLM provider interface the lanes use. One implementation (OpenAI-compatible chat completions,
 * streamed) serves every preset; the simulated backend is reached the same way, over HTTP.
 */
import type { LlmTurnMetrics } from '../../../../shared/metrics';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One streamed piece, stamped on the engine clock when it arrived. */
export interface LlmEvent {
  kind: 'token' | 'reasoning';
  text: string;
  /** Engine clock, ms. */
  atMs: number;
}

export interface LlmStreamRequest {
  messages: ChatMessage[];
  /** Aborting ends the request at once; `stream` then resolves with `aborted: true`. */
  signal: AbortSignal;
  /** Called synchronously for every piece, in order. Must not throw (if it does, `stream` rejects with that error as is). */
  onEvent: (event: LlmEvent) => void;
  /** Scripted reply for the simulated backend (scenarios); ignored by real providers. */
  simReply?: string;
}

export interface LlmResult {
  /** The answer text received (partial when aborted). */
  text: string;
  reasoningText: string;
  aborted: boolean;
  finishReason: string | null;
  metrics: LlmTurnMetrics;
}

export interface LlmProvider {
  /** Preset id, e.g. `sim`, `cerebras`. */
  readonly id: string;
  readonly model: string;
  /** Human label, e.g. "Cerebras · llama3.1-8b". */
  readonly label: string;
  /**
   * Streams one completion. Rejects only with `LlmError` (never for an abort), or with whatever
   * `onEvent` threw.
   */
  stream(request: LlmStreamRequest): Promise<LlmResult>;
}

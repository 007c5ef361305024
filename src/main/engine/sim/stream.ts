/**
 * Wire shapes of the simulated backend: SSE `chat.completion.chunk` events, the non-streamed
 * `chat.completion`, `usage` and Cerebras-style `time_info`. Token events are built from a
 * precomputed prefix, so 20,000 tok/s costs string concatenation, not an object and a
 * JSON.stringify per token.
 */

/** Identity shared by every chunk of one completion. */
export interface CompletionIdentity {
  id: string;
  /** Unix seconds (OpenAI's `created`: wall clock by definition, not a latency figure). */
  created: number;
  model: string;
}

/** What happened when, on the server's clock, ms. */
export interface Timeline {
  /** Request handler entered. */
  arrivedAtMs: number;
  /** Request validated; generation (and the TTFT countdown) starts. */
  startedAtMs: number;
  /** First token (reasoning or answer) sent; null if none was. */
  firstTokenAtMs: number | null;
  /** Last token sent; null if none was. */
  lastTokenAtMs: number | null;
  /**
   * Due times of the first and last token sent: when the simulated model made them; null if none
   * was sent. Sends come in bursts at each timer wake, so a send can be a millisecond or two after its
   * due time; a real provider's `prompt_time` and `completion_time` also time its generation, not
   * when the bytes left. A 9-token reply at 2,000 tok/s takes 4 ms: a late first send made it 2.5.
   */
  firstDueAtMs: number | null;
  lastDueAtMs: number | null;
  /** Final chunk or response body sent. */
  endAtMs: number;
}

/** Cerebras-style self-reported timing, seconds. */
export interface TimeInfo {
  /** Arrival → generation start (validation; there is no real queue). */
  queue_time: number;
  /** Generation start → first token: the simulated prefill (TTFT). */
  prompt_time: number;
  /** First → last token: decode time (as generated; see Timeline.firstDueAtMs). */
  completion_time: number;
  /** Arrival → end. */
  total_time: number;
  /** Unix seconds when the response finished. */
  created: number;
}

export interface Usage {
  prompt_tokens: number;
  /** Answer plus reasoning tokens, as OpenAI counts them. */
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details: { reasoning_tokens: number };
}

export type FinishReason = 'stop' | 'length';

export function makeUsage(promptTokens: number, answerTokens: number, reasoningTokens: number): Usage {
  const completion = answerTokens + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

export function makeTimeInfo(t: Timeline): TimeInfo {
  const s = (ms: number): number => Math.max(0, ms) / 1000;
  const first = t.firstDueAtMs ?? t.endAtMs;
  return {
    queue_time: s(t.startedAtMs - t.arrivedAtMs),
    prompt_time: s(first - t.startedAtMs),
    completion_time: s((t.lastDueAtMs ?? first) - first),
    total_time: s(t.endAtMs - t.arrivedAtMs),
    created: Date.now() / 1000,
  };
}

const SSE_END = '\n\n';

/** Builds the SSE text of one completion's events. */
export class ChunkWriter {
  private readonly prefix: string;
  private roleSent = false;

  constructor(private readonly ids: CompletionIdentity) {
    this.prefix =
      `data: {"id":${JSON.stringify(ids.id)},"object":"chat.completion.chunk","created":${ids.created},` +
      `"model":${JSON.stringify(ids.model)},"system_fingerprint":"dialtone-sim","choices":[{"index":0,"delta":{`;
  }

  /**
   * One SSE event per token, concatenated for a single socket write. `reasoningCount` tokens of the
   * stream are reasoning (`delta.reasoning`); the rest are answer (`delta.content`).
   */
  tokens(all: readonly string[], from: number, to: number, reasoningCount: number): string {
    let out = '';
    for (let i = from; i < to; i++) {
      out += this.prefix + this.role();
      out += i < reasoningCount ? '"reasoning":' : '"content":';
      out += JSON.stringify(all[i]) + '},"logprobs":null,"finish_reason":null}]}' + SSE_END;
    }
    return out;
  }

  /** The closing event (finish reason, usage, time_info) and the `[DONE]` sentinel. */
  final(finishReason: FinishReason, usage: Usage, timeInfo: TimeInfo): string {
    // A stream with no tokens still has to introduce the assistant somewhere.
    const delta = this.roleSent ? {} : { role: 'assistant', content: '' };
    this.roleSent = true;
    const chunk = {
      id: this.ids.id,
      object: 'chat.completion.chunk',
      created: this.ids.created,
      model: this.ids.model,
      system_fingerprint: 'dialtone-sim',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      usage,
      time_info: timeInfo,
    };
    return `data: ${JSON.stringify(chunk)}${SSE_END}data: [DONE]${SSE_END}`;
  }

  /** A `data:` line cut off mid-JSON, for the `malformed` fault. */
  malformed(): string {
    return `${this.prefix}"content":"\\u00${SSE_END}`;
  }

  private role(): string {
    if (this.roleSent) return '';
    this.roleSent = true;
    return '"role":"assistant",';
  }
}

/** The non-streamed `chat.completion` body. */
export function completionBody(
  ids: CompletionIdentity,
  answer: string,
  reasoning: string,
  finishReason: FinishReason,
  usage: Usage,
  timeInfo: TimeInfo,
): object {
  const message: Record<string, unknown> = { role: 'assistant', content: answer, refusal: null };
  if (reasoning) message.reasoning = reasoning;
  return {
    id: ids.id,
    object: 'chat.completion',
    created: ids.created,
    model: ids.model,
    system_fingerprint: 'dialtone-sim',
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage,
    time_info: timeInfo,
  };
}

/**
 * The one LLM provider: OpenAI-compatible chat completions, streamed through the official `openai`
 * client. Every preset (the simulated backend included, over HTTP) is this class with different
 * settings. One `stream()` call is one `Turn`: it owns the request's AbortController, the stall timer and
 * the figures, so concurrent turns on one provider share nothing.
 */
import type OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { LlmProviderId } from '../../../../shared/lane-spec';
import type { Clock } from '../../clock';
import { classifyFailure } from './classify';
import type { FailureContext } from './classify';
import { LlmError } from './errors';
import { buildMetrics } from './turn-metrics';
import type { LlmEvent, LlmProvider, LlmResult, LlmStreamRequest } from './types';
import { createOpenAiClient } from '../openai-client';
import { readyFetch } from '../ready-fetch';

export interface OpenAiCompatibleConfig {
  id: LlmProviderId;
  /** "Cerebras · llama3.1-8b" */
  label: string;
  model: string;
  baseURL: string;
  /** Undefined: no Authorization header at all (local servers, the simulated backend). */
  apiKey: string | undefined;
  /** Message context for failures (provider name, URL, which key to check). */
  failure: FailureContext;
  maxTokens?: number;
  /** OpenAI's own API refuses `max_tokens` for its newer models; everyone else takes `max_tokens`. */
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  temperature?: number;
  /** Per-request headers; `reply` is the scripted reply (sim only). */
  headers: (simReply: string | undefined) => Record<string, string> | undefined;
  clock: Clock;
  /** No bytes for this long → `stalled`, ms. */
  stallTimeoutMs: number;
  /** Extra patience before the first token, ms (the simulated backend's configured TTFT). */
  firstTokenGraceMs: number;
}

export class OpenAiCompatibleProvider implements LlmProvider {
  readonly id: string;
  readonly model: string;
  readonly label: string;

  /** A #private field: the key inside never shows in JSON.stringify or console.log of a provider. */
  readonly #config: OpenAiCompatibleConfig;

  constructor(config: OpenAiCompatibleConfig) {
    this.#config = config;
    this.id = config.id;
    this.model = config.model;
    this.label = config.label;
  }

  stream(request: LlmStreamRequest): Promise<LlmResult> {
    return new Turn(this.#config, request).run();
  }
}

/** Fields some providers add to chunks beyond OpenAI's schema. */
interface ChunkExtras {
  time_info?: unknown;
  x_groq?: { usage?: unknown } | null;
}
interface DeltaExtras {
  reasoning?: unknown;
  reasoning_content?: unknown;
}

const ABORTED = Symbol('aborted');

class Turn {
  private readonly ac = new AbortController();
  private readonly clock: Clock;
  private requestAtMs = 0;
  private firstTokenAtMs: number | null = null;
  private firstAnswerTokenAtMs: number | null = null;
  private lastTokenAtMs: number | null = null;
  private text = '';
  private reasoningText = '';
  private answerChunks = 0;
  private reasoningChunks = 0;
  /** Network reads of the response body so far, and the one that carried the first delta. */
  private reads = 0;
  private firstRead = -1;
  /** Deltas that came in the first delta's read: one burst, all stamped at its arrival. */
  private firstReadChunks = 0;
  private finishReason: string | null = null;
  private usage: unknown = undefined;
  private timeInfo: unknown = undefined;
  private groqUsage: unknown = undefined;
  private contentType: string | null = null;
  private chunks = 0;
  private stallTimer: NodeJS.Timeout | null = null;
  /** The silence the armed stall timer allows, ms (it grows by the first-token grace at first). */
  private stallMs = 0;
  private stalled = false;
  /** Response headers arrived: a later stall is silence mid-reply, not a server that never answered. */
  private answered = false;

  constructor(
    private readonly config: OpenAiCompatibleConfig,
    private readonly request: LlmStreamRequest,
  ) {
    this.clock = config.clock;
  }

  async run(): Promise<LlmResult> {
    const { signal } = this.request;
    this.requestAtMs = this.clock.now();
    if (signal.aborted) return this.result(true);
    // Resolve the moment the turn is cancelled, whatever the SDK is waiting on; the request is
    // aborted too and its tail is discarded.
    let onAbort!: () => void;
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      onAbort = () => {
        resolve(ABORTED);
        this.ac.abort();
      };
    });
    signal.addEventListener('abort', onAbort, { once: true });
    this.armStall(this.config.stallTimeoutMs + this.config.firstTokenGraceMs);
    const work = this.pump();
    work.catch(() => undefined); // settles after an abort; nobody is listening any more
    try {
      const outcome = await Promise.race([work, aborted]);
      return outcome === ABORTED ? this.result(true) : outcome;
    } catch (err) {
      if (signal.aborted) return this.result(true);
      if (err instanceof CallbackError) throw err.cause;
      if (this.stalled) throw this.stalledError(err);
      const failure = err instanceof LlmError ? err : classifyFailure(err, 'stream', this.config.failure);
      // Cut after the finish_reason: only the usage/[DONE] tail is lost, the reply itself is whole.
      if (failure.code === 'stream_cut' && this.finishReason !== null) return this.result(false);
      throw failure;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.disarmStall();
      this.ac.abort(); // releases the socket if we stopped early (stall, error); no-op when done
    }
  }

  private async pump(): Promise<LlmResult> {
    const { config } = this;
    const body: ChatCompletionCreateParamsStreaming = {
      model: config.model,
      messages: this.request.messages,
      stream: true,
      stream_options: { include_usage: true },
    };
    if (config.maxTokens !== undefined) body[config.maxTokensParam] = config.maxTokens;
    if (config.temperature !== undefined) body.temperature = config.temperature;
    const headers = config.headers(this.request.simReply);

    let stream: AsyncIterable<ChatCompletionChunk>;
    try {
      stream = await this.client().chat.completions.create(body, {
        signal: this.ac.signal,
        ...(headers ? { headers } : {}),
      });
    } catch (err) {
      if (this.stalled) throw this.stalledError(err);
      throw classifyFailure(err, 'request', config.failure);
    }

    const { clock, request } = this;
    const acSignal = this.ac.signal;
    const onEvent = request.onEvent;
    // Hot path: one clock read and one event object per delta; no parsing beyond the SDK's JSON.parse.
    for await (const chunk of stream) {
      if (acSignal.aborted) break;
      this.chunks++;
      if (typeof chunk !== 'object' || chunk === null) {
        throw new LlmError('malformed', `${config.failure.label} sent a stream chunk that is not an object`);
      }
      const choice = chunk.choices?.[0];
      if (choice !== undefined) {
        const delta = choice.delta;
        if (delta) {
          const extras = delta as DeltaExtras;
          const reasoning = extras.reasoning ?? extras.reasoning_content;
          if (typeof reasoning === 'string' && reasoning !== '') {
            const atMs = clock.now();
            if (this.firstTokenAtMs === null) this.onFirstToken(atMs);
            if (this.reads === this.firstRead) this.firstReadChunks++;
            this.lastTokenAtMs = atMs;
            this.reasoningChunks++;
            this.reasoningText += reasoning;
            emit(onEvent, { kind: 'reasoning', text: reasoning, atMs });
          }
          const content = delta.content;
          if (typeof content === 'string' && content !== '') {
            const atMs = clock.now();
            if (this.firstTokenAtMs === null) this.onFirstToken(atMs);
            if (this.firstAnswerTokenAtMs === null) this.firstAnswerTokenAtMs = atMs;
            if (this.reads === this.firstRead) this.firstReadChunks++;
            this.lastTokenAtMs = atMs;
            this.answerChunks++;
            this.text += content;
            emit(onEvent, { kind: 'token', text: content, atMs });
          }
        }
        if (choice.finish_reason) this.finishReason = choice.finish_reason;
      }
      if (chunk.usage) this.usage = chunk.usage;
      const extras = chunk as ChunkExtras;
      if (extras.time_info) this.timeInfo = extras.time_info;
      if (extras.x_groq?.usage) this.groqUsage = extras.x_groq.usage;
    }

    // The SDK ends the iteration quietly when its signal aborts: ours (stall) or the turn's.
    if (this.stalled) throw this.stalledError(undefined);
    if (request.signal.aborted) return this.result(true);
    if (this.finishReason === null) {
      if (this.chunks === 0 && !(this.contentType ?? '').includes('event-stream')) {
        throw new LlmError(
          'malformed',
          `${config.failure.label} answered with ${this.contentType ?? 'no content type'} instead of an event stream`,
        );
      }
      throw new LlmError(
        'stream_cut',
        `${config.failure.label} ended the stream before the reply finished (after ${this.answerChunks} tokens)`,
      );
    }
    return this.result(false);
  }

  private client(): OpenAI {
    const { config } = this;
    return createOpenAiClient({ baseURL: config.baseURL, apiKey: config.apiKey, fetch: this.fetch });
  }

  /**
   * fetch with a byte tap: any bytes (headers, SSE comments, data) re-arm the stall timer. Watching
   * parsed chunks instead would call a healthy provider that sends keep-alive comments stalled.
   */
  private readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await readyFetch(input, init);
    this.answered = true;
    this.touch();
    this.contentType = res.headers.get('content-type');
    if (!res.ok || res.body === null) return res;
    const touch = this.touch;
    const onRead = (): void => {
      this.reads++;
    };
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(bytes, controller) {
          touch();
          onRead();
          controller.enqueue(bytes);
        },
      }),
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };

  private readonly touch = (): void => {
    this.stallTimer?.refresh();
  };

  private onFirstToken(atMs: number): void {
    this.firstTokenAtMs = atMs;
    this.firstRead = this.reads;
    if (this.config.firstTokenGraceMs > 0) {
      this.disarmStall();
      this.armStall(this.config.stallTimeoutMs);
    }
  }

  private armStall(ms: number): void {
    this.stallMs = ms;
    this.stallTimer = setTimeout(() => {
      this.stalled = true;
      this.ac.abort();
    }, ms);
    this.stallTimer.unref();
  }

  private disarmStall(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private stalledError(cause: unknown): LlmError {
    const { label, baseURL } = this.config.failure;
    const s = Math.round(this.stallMs / 100) / 10;
    const message = this.answered
      ? `${label} sent nothing for ${s} s (after ${this.answerChunks} tokens), so the request was stopped`
      : `${label} at ${baseURL} did not answer within ${s} s, so the request was stopped`;
    return new LlmError('stalled', message, { cause });
  }

  private result(aborted: boolean): LlmResult {
    return {
      text: this.text,
      reasoningText: this.reasoningText,
      aborted,
      finishReason: this.finishReason,
      metrics: buildMetrics({
        requestAtMs: this.requestAtMs,
        endAtMs: this.clock.now(),
        firstTokenAtMs: this.firstTokenAtMs,
        firstAnswerTokenAtMs: this.firstAnswerTokenAtMs,
        lastTokenAtMs: this.lastTokenAtMs,
        answerChunks: this.answerChunks,
        reasoningChunks: this.reasoningChunks,
        firstReadChunks: this.firstReadChunks,
        usage: this.usage,
        timeInfo: this.timeInfo,
        groqUsage: this.groqUsage,
      }),
    };
  }
}

/** Marks an exception thrown by the caller's onEvent: a bug on their side, passed through untouched. */
class CallbackError extends Error {
  constructor(override readonly cause: unknown) {
    super('onEvent threw');
  }
}

function emit(onEvent: (event: LlmEvent) => void, event: LlmEvent): void {
  try {
    onEvent(event);
  } catch (err) {
    throw new CallbackError(err);
  }
}

/**
 * Turn timing types. Every time is engine-monotonic milliseconds (the engine's Clock), every duration ms.
 * See docs/ARCHITECTURE.md, "The one clock".
 */
import { z } from 'zod';

/** Timing the provider reported about itself (Cerebras `time_info`, Groq `x_groq.usage`), in ms. */
export const ProviderTiming = z.object({
  source: z.enum(['time_info', 'x_groq']),
  queueMs: z.number().optional(),
  promptMs: z.number().optional(),
  completionMs: z.number().optional(),
  totalMs: z.number().optional(),
});
export type ProviderTiming = z.infer<typeof ProviderTiming>;

/** What one LLM request cost, measured on the engine clock. */
export const LlmTurnMetrics = z.object({
  /** Engine time the request was sent. */
  requestAtMs: z.number(),
  /** Engine time of the first token (reasoning or answer); null when none came. */
  firstTokenAtMs: z.number().nullable(),
  /** Engine time of the first answer (non-reasoning) token. */
  firstAnswerTokenAtMs: z.number().nullable(),
  /** Engine time of the last token. */
  lastTokenAtMs: z.number().nullable(),
  /** Request sent → first token. */
  ttftMs: z.number().nullable(),
  /** Answer tokens (from `usage` when the provider sends it, else counted chunks). */
  tokens: z.number(),
  /** Hidden reasoning tokens. */
  reasoningTokens: z.number(),
  tokenCountSource: z.enum(['usage', 'chunks']),
  /**
   * Decode rate, tokens per second (all generated tokens): measured from first to last token when
   * that stretch is long enough (`streamRate`), else the provider's own decode time; null when neither
   * is trustworthy (a short reply), so no figure is shown rather than a wrong one.
   */
  tokensPerSecond: z.number().nullable(),
  /** First token → last token. */
  genMs: z.number(),
  /** Request sent → stream finished. */
  totalMs: z.number(),
  providerTiming: ProviderTiming.optional(),
  /**
   * A given line (a scenario's opening): written, not generated, so it has no TTFT and no rate. The
   * figures say "scripted" instead of "TTFT 0 ms".
   */
  scripted: z.boolean().optional(),
});
export type LlmTurnMetrics = z.infer<typeof LlmTurnMetrics>;

/**
 * The least a stream must span for its own first → last token rate to be shown. Tokens reach us in
 * bursts (the server writes what is due at each timer wake, TCP coalesces, the reader takes a whole
 * read at once), so each stamp can be off by a millisecond or two. Over 100 ms that is at most ~2 %;
 * over the 4 ms of a 9-token reply at 2,000 tok/s it doubled the figure. 20 tokens keeps a slow lane
 * (60 tok/s: 100 ms is 6 tokens) from a rate over a handful of gaps, where one late token is 20 %.
 */
export const MIN_RATE_TOKENS = 20;
export const MIN_RATE_SPAN_MS = 100;

/**
 * Tokens per second over a stream's own stamps, or null when the stretch is too short to trust.
 * `generated` tokens arrived between `firstAtMs` and `lastAtMs`; `firstBurst` of them arrived together
 * with the first one (same read): they were made before the first stamp, so they are not counted in
 * the interval that follows it.
 */
export function streamRate(
  generated: number,
  firstBurst: number,
  firstAtMs: number | null,
  lastAtMs: number | null,
): number | null {
  if (firstAtMs === null || lastAtMs === null) return null;
  const spanMs = lastAtMs - firstAtMs;
  if (generated < MIN_RATE_TOKENS || spanMs < MIN_RATE_SPAN_MS) return null;
  const after = generated - Math.max(1, Math.min(firstBurst, generated));
  return after > 0 ? (after * 1000) / spanMs : null;
}

/**
 * What of the conversation a request sent (see src/main/engine/context-window.ts). The budget is in
 * characters of message content, system prompt included (~4 characters per token in English).
 */
export const ContextWindowReport = z.object({
  /** Conversation entries sent (the system prompt not counted). */
  sentEntries: z.number().int().nonnegative(),
  /** Oldest entries of the conversation left out to fit the budget; 0 when all of it fit. */
  droppedEntries: z.number().int().nonnegative(),
  /** Characters of message content sent, system prompt included. */
  chars: z.number().int().nonnegative(),
  budgetChars: z.number().int().nonnegative(),
});
export type ContextWindowReport = z.infer<typeof ContextWindowReport>;

/**
 * A voice turn's speculation: replies started at a pause in the user's speech, before the endpoint.
 * One that the endpoint confirms is adopted (it is this turn's reply); one the speaker talked past is
 * discarded unheard. The cost of a discarded one is its tokens (at 60 tok/s that is time a provider
 * bills and serves; at 2,000 tok/s next to nothing).
 */
export const TurnSpeculation = z.object({
  /** Speculative requests started during the user's turn. */
  started: z.number().int().nonnegative(),
  /** … of which cancelled because the speaker went on. */
  discarded: z.number().int().nonnegative(),
  /** Tokens the discarded requests had generated when they were cancelled. */
  discardedTokens: z.number().int().nonnegative(),
  /** How much earlier this turn's request went out than it would have without speculation, ms (0: not adopted). */
  savedMs: z.number().nonnegative(),
});
export type TurnSpeculation = z.infer<typeof TurnSpeculation>;

/**
 * One turn's timeline: the segments of README.md's latency table, ms; null where a stage did not
 * run (typed input has no endpoint or STT; text mode has no speech).
 */
export const TurnTimeline = z.object({
  /** Last voiced audio → endpoint decided (the VAD silence window). */
  endpointMs: z.number().nullable(),
  /** Endpoint → final transcript. */
  sttMs: z.number().nullable(),
  /** Request sent → first token. */
  ttftMs: z.number().nullable(),
  /** First token → first speakable chunk ready (the part token speed decides). */
  firstChunkMs: z.number().nullable(),
  /** Chunk ready → first synthesized audio. */
  ttsMs: z.number().nullable(),
  /** First audio at the engine → first sample audible. */
  playoutMs: z.number().nullable(),
  /** Last voiced audio (or end of the previous bot's audio) → first sample audible. */
  gapMs: z.number().nullable(),
  /** Audio played for the reply. */
  speechMs: z.number().nullable(),
  tokens: z.number(),
  reasoningTokens: z.number(),
  /** Tokens generated (reasoning included) up to the first speakable chunk: what `firstChunkMs` waited for. */
  firstChunkTokens: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  genMs: z.number().nullable(),
  interrupted: z.boolean(),
  /** What the provider said about its own time (splits TTFT into queue / prefill / the rest). */
  providerTiming: ProviderTiming.optional(),
  /** A given line (a scenario's opening), not generated: no TTFT or rate to show. */
  scripted: z.boolean().optional(),
  /** The request's context window: how much of the conversation it sent, and whether it trimmed. */
  context: ContextWindowReport.optional(),
  /** Voice turns with speculation on: what it started, threw away and saved. */
  speculation: TurnSpeculation.optional(),
  /** Engine times of the anchors, ms (for the overlay's waterfall). */
  at: z.object({
    lastVoicedAtMs: z.number().nullable(),
    endpointAtMs: z.number().nullable(),
    transcriptAtMs: z.number().nullable(),
    requestAtMs: z.number().nullable(),
    firstTokenAtMs: z.number().nullable(),
    firstChunkAtMs: z.number().nullable(),
    firstAudioAtMs: z.number().nullable(),
    audibleAtMs: z.number().nullable(),
    playbackEndAtMs: z.number().nullable(),
  }),
});
export type TurnTimeline = z.infer<typeof TurnTimeline>;

/**
 * Builds LlmTurnMetrics from what one stream recorded. The stream keeps raw references to the
 * provider's `usage`, `time_info` and `x_groq.usage` objects (no per-chunk work); they are validated
 * here, once, at the end of the turn. A malformed accounting object is ignored, never fatal: the turn's
 * text arrived fine, only the provider's bookkeeping is unusable, so we fall back to our own counts.
 */
import { z } from 'zod';
import { streamRate, type LlmTurnMetrics, type ProviderTiming } from '../../../../shared/metrics';

const count = z.number().int().nonnegative();

const Usage = z.object({
  completion_tokens: count,
  completion_tokens_details: z.object({ reasoning_tokens: count.nullish() }).nullish(),
});

/** Seconds, as Cerebras (`time_info`) and Groq (`x_groq.usage`) both report them. */
const seconds = z.number().nonnegative().nullish();
const TimingSeconds = z.object({
  queue_time: seconds,
  prompt_time: seconds,
  completion_time: seconds,
  total_time: seconds,
});

/** What a stream recorded; times are engine-clock ms. */
export interface StreamRecord {
  requestAtMs: number;
  endAtMs: number;
  firstTokenAtMs: number | null;
  firstAnswerTokenAtMs: number | null;
  lastTokenAtMs: number | null;
  /** Non-empty content deltas. */
  answerChunks: number;
  /** Non-empty reasoning deltas. */
  reasoningChunks: number;
  /**
   * Deltas (answer or reasoning) that came in the same network read as the first one; 1 when unknown.
   * They were generated before the first stamp, so the rate after it does not count them.
   */
  firstReadChunks?: number;
  usage: unknown;
  timeInfo: unknown;
  groqUsage: unknown;
}

export function buildMetrics(r: StreamRecord): LlmTurnMetrics {
  let tokens = r.answerChunks;
  let reasoningTokens = r.reasoningChunks;
  let tokenCountSource: LlmTurnMetrics['tokenCountSource'] = 'chunks';
  // Groq has sent token counts inside x_groq.usage; prefer the standard `usage` when both exist.
  const usage = Usage.safeParse(r.usage ?? r.groqUsage);
  if (usage.success) {
    const reported = usage.data.completion_tokens_details?.reasoning_tokens;
    // completion_tokens includes reasoning; without a breakdown, our count of reasoning deltas stands in.
    reasoningTokens = reported ?? r.reasoningChunks;
    tokens = Math.max(0, usage.data.completion_tokens - reasoningTokens);
    tokenCountSource = 'usage';
  }
  const genMs =
    r.firstTokenAtMs !== null && r.lastTokenAtMs !== null
      ? Math.max(0, r.lastTokenAtMs - r.firstTokenAtMs)
      : 0;
  const generated = tokens + reasoningTokens;
  const timing = providerTiming(r.timeInfo, 'time_info') ?? providerTiming(r.groqUsage, 'x_groq');
  const metrics: LlmTurnMetrics = {
    requestAtMs: r.requestAtMs,
    firstTokenAtMs: r.firstTokenAtMs,
    firstAnswerTokenAtMs: r.firstAnswerTokenAtMs,
    lastTokenAtMs: r.lastTokenAtMs,
    ttftMs: r.firstTokenAtMs === null ? null : r.firstTokenAtMs - r.requestAtMs,
    tokens,
    reasoningTokens,
    tokenCountSource,
    tokensPerSecond: decodeRate(r, generated, timing),
    genMs,
    totalMs: r.endAtMs - r.requestAtMs,
  };
  if (timing) metrics.providerTiming = timing;
  return metrics;
}

/**
 * Our own first → last token rate when the stream ran long enough to measure (`streamRate`); else the
 * provider's own decode time, which it measures where the tokens are made, before any network burst;
 * else null. A short reply shows no rate rather than 4,400 tok/s on a 2,000 tok/s lane.
 */
function decodeRate(r: StreamRecord, generated: number, timing: ProviderTiming | undefined): number | null {
  const chunks = r.answerChunks + r.reasoningChunks;
  // The first read's share of the provider's count: deltas and tokens are one-to-one on most servers.
  const firstBurst = chunks > 0 ? Math.round(((r.firstReadChunks ?? 1) * generated) / chunks) : 1;
  const own = streamRate(generated, firstBurst, r.firstTokenAtMs, r.lastTokenAtMs);
  if (own !== null) return own;
  // n tokens take n − 1 gaps after the first.
  const completionMs = timing?.completionMs;
  if (completionMs !== undefined && completionMs > 0 && generated >= 2) {
    return ((generated - 1) * 1000) / completionMs;
  }
  return null;
}

function providerTiming(raw: unknown, source: ProviderTiming['source']): ProviderTiming | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = TimingSeconds.safeParse(raw);
  if (!parsed.success) return undefined;
  const t = parsed.data;
  const out: ProviderTiming = { source };
  if (t.queue_time != null) out.queueMs = toMs(t.queue_time);
  if (t.prompt_time != null) out.promptMs = toMs(t.prompt_time);
  if (t.completion_time != null) out.completionMs = toMs(t.completion_time);
  if (t.total_time != null) out.totalMs = toMs(t.total_time);
  return Object.keys(out).length > 1 ? out : undefined;
}

/** Seconds → ms, rounded to the microsecond so 0.123 s reads 123, not 123.00000000000001. */
function toMs(s: number): number {
  return Math.round(s * 1e6) / 1e3;
}

/**
 * Builds a turn's timeline from the engine-clock anchors its stages recorded. Segments are plain
 * differences of anchors, null where a stage did not run. See the latency table in README.md.
 */
import type { LlmTurnMetrics, TurnSpeculation, TurnTimeline } from '../../../shared/metrics';

export interface TurnAnchors {
  /** When the user stopped: last voiced audio, the end of the previous bot's audio, or the typed send. */
  userDoneAtMs: number;
  /** Voice turns only. */
  lastVoicedAtMs: number | null;
  endpointAtMs: number | null;
  transcriptAtMs: number | null;
  speculation?: TurnSpeculation | null;
  firstChunkAtMs: number | null;
  firstChunkTokens: number | null;
  firstAudioAtMs: number | null;
  audibleAtMs: number | null;
  playbackEndAtMs: number | null;
  /** Audio played, ms (null in text mode). */
  speechMs: number | null;
  interrupted: boolean;
}

const span = (from: number | null, to: number | null): number | null =>
  from === null || to === null ? null : to - from;

export function buildTimeline(a: TurnAnchors, llm: LlmTurnMetrics | null): TurnTimeline {
  const firstTokenAtMs = llm?.firstTokenAtMs ?? null;
  return {
    endpointMs: span(a.lastVoicedAtMs, a.endpointAtMs),
    sttMs: span(a.endpointAtMs, a.transcriptAtMs),
    ttftMs: llm?.ttftMs ?? null,
    firstChunkMs: span(firstTokenAtMs, a.firstChunkAtMs),
    ttsMs: span(a.firstChunkAtMs, a.firstAudioAtMs),
    playoutMs: span(a.firstAudioAtMs, a.audibleAtMs),
    gapMs: span(a.userDoneAtMs, a.audibleAtMs),
    speechMs: a.speechMs,
    tokens: llm?.tokens ?? 0,
    reasoningTokens: llm?.reasoningTokens ?? 0,
    firstChunkTokens: a.firstChunkTokens,
    tokensPerSecond: llm?.tokensPerSecond ?? null,
    genMs: llm ? llm.genMs : null,
    interrupted: a.interrupted,
    ...(llm?.providerTiming ? { providerTiming: llm.providerTiming } : {}),
    ...(llm?.scripted ? { scripted: true } : {}),
    ...(a.speculation ? { speculation: a.speculation } : {}),
    at: {
      lastVoicedAtMs: a.lastVoicedAtMs,
      endpointAtMs: a.endpointAtMs,
      transcriptAtMs: a.transcriptAtMs,
      requestAtMs: llm?.requestAtMs ?? null,
      firstTokenAtMs,
      firstChunkAtMs: a.firstChunkAtMs,
      firstAudioAtMs: a.firstAudioAtMs,
      audibleAtMs: a.audibleAtMs,
      playbackEndAtMs: a.playbackEndAtMs,
    },
  };
}

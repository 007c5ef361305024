/**
 * Builds a turn's timeline from the engine-clock anchors its stages recorded. Segments are plain
 * differences of anchors, null where a stage did not run. See the latency table in DESIGN.md.
 */
import type { LlmTurnMetrics, TurnTimeline } from '../../../shared/metrics';

export interface TurnAnchors {
  /** When the user stopped: last voiced audio, the end of the previous bot's audio, or the typed send. */
  userDoneMs: number;
  /** Voice turns only. */
  lastVoicedMs: number | null;
  endpointMs: number | null;
  transcriptMs: number | null;
  firstChunkMs: number | null;
  firstChunkTokens: number | null;
  firstAudioMs: number | null;
  audibleMs: number | null;
  playbackEndMs: number | null;
  /** Audio played, ms (null in text mode). */
  speechMs: number | null;
  interrupted: boolean;
}

const span = (from: number | null, to: number | null): number | null =>
  from === null || to === null ? null : to - from;

export function buildTimeline(a: TurnAnchors, llm: LlmTurnMetrics | null): TurnTimeline {
  const firstTokenMs = llm?.firstTokenMs ?? null;
  return {
    endpointMs: span(a.lastVoicedMs, a.endpointMs),
    sttMs: span(a.endpointMs, a.transcriptMs),
    ttftMs: llm?.ttftMs ?? null,
    firstChunkMs: span(firstTokenMs, a.firstChunkMs),
    ttsMs: span(a.firstChunkMs, a.firstAudioMs),
    playoutMs: span(a.firstAudioMs, a.audibleMs),
    gapMs: span(a.userDoneMs, a.audibleMs),
    speechMs: a.speechMs,
    tokens: llm?.tokens ?? 0,
    reasoningTokens: llm?.reasoningTokens ?? 0,
    firstChunkTokens: a.firstChunkTokens,
    tokensPerSecond: llm?.tokensPerSecond ?? null,
    genMs: llm ? llm.genMs : null,
    interrupted: a.interrupted,
    ...(llm?.providerTiming ? { providerTiming: llm.providerTiming } : {}),
    at: {
      lastVoicedMs: a.lastVoicedMs,
      endpointMs: a.endpointMs,
      transcriptMs: a.transcriptMs,
      requestMs: llm?.requestMs ?? null,
      firstTokenMs,
      firstChunkMs: a.firstChunkMs,
      firstAudioMs: a.firstAudioMs,
      audibleMs: a.audibleMs,
      playbackEndMs: a.playbackEndMs,
    },
  };
}

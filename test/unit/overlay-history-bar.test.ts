/**
 * The overlay's history bar is as tall as the turn's gap. Catches a reply started at a pause (its
 * request ran while the endpoint was still waiting) drawn as endpoint + full TTFT stacked, a bar
 * taller than the silence the listener sat through; and a plain turn's bar losing a segment.
 */
import { describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/shared/metrics';
import { historyBar } from '../../src/renderer/src/overlay/models';

function voiceTurn(at: { requestAtMs: number; endpointAtMs: number }): TurnTimeline {
  const lastVoicedAtMs = 1_000;
  const transcriptAtMs = at.endpointAtMs;
  const firstTokenAtMs = at.requestAtMs + 150;
  const start = Math.max(firstTokenAtMs, transcriptAtMs);
  const firstChunkAtMs = start + 2;
  const firstAudioAtMs = firstChunkAtMs + 13;
  const audibleAtMs = firstAudioAtMs + 1;
  return {
    endpointMs: at.endpointAtMs - lastVoicedAtMs,
    sttMs: transcriptAtMs - at.endpointAtMs,
    ttftMs: 150,
    firstChunkMs: firstChunkAtMs - firstTokenAtMs,
    ttsMs: 13,
    playoutMs: 1,
    gapMs: audibleAtMs - lastVoicedAtMs,
    speechMs: 2_000,
    tokens: 20,
    reasoningTokens: 0,
    firstChunkTokens: 3,
    tokensPerSecond: 2_000,
    genMs: 10,
    interrupted: false,
    at: {
      lastVoicedAtMs,
      endpointAtMs: at.endpointAtMs,
      transcriptAtMs,
      requestAtMs: at.requestAtMs,
      firstTokenAtMs,
      firstChunkAtMs,
      firstAudioAtMs,
      audibleAtMs,
      playbackEndAtMs: null,
    },
  };
}

const total = (t: TurnTimeline): number => historyBar(t).segments.reduce((sum, s) => sum + s.ms, 0);

describe('history bar', () => {
  it('stacks a plain turn segment by segment, summing to its gap', () => {
    const t = voiceTurn({ endpointAtMs: 1_300, requestAtMs: 1_300 });
    expect(historyBar(t).segments.map((s) => [s.def.key, s.ms])).toEqual([
      ['endpointMs', 300],
      ['ttftMs', 150],
      ['firstChunkMs', 2],
      ['ttsMs', 13],
      ['playoutMs', 1],
    ]);
    expect(total(t)).toBe(t.gapMs);
  });

  it('shows a reply started at a pause only for the wait it added: the bar is the gap', () => {
    // Requested at 1,200 (a pause), endpoint confirmed at 1,300, first token at 1,350.
    const t = voiceTurn({ endpointAtMs: 1_300, requestAtMs: 1_200 });
    expect(t.gapMs).toBe(366);
    const bar = historyBar(t);
    expect(bar.segments.find((s) => s.def.key === 'ttftMs')!.ms).toBe(50);
    expect(total(t)).toBe(t.gapMs);
  });
});

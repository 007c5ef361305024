import { describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/shared/metrics';
import { bytesPerTokenGB, decodeCeilingTps, MEMORY_SYSTEMS } from '../../src/shared/roofline';
import { deadAir, deadAirAt, firstChunkAt, gapAt } from '../../src/shared/what-if';

const turn = (over: Partial<TurnTimeline>): TurnTimeline => ({
  endpointMs: 300,
  sttMs: 100,
  ttftMs: 700,
  firstChunkMs: 150,
  ttsMs: 40,
  playoutMs: 30,
  gapMs: 1_330,
  speechMs: 4_000,
  tokens: 60,
  reasoningTokens: 0,
  firstChunkTokens: 10,
  tokensPerSecond: 60,
  genMs: 1_000,
  interrupted: false,
  at: {
    lastVoicedAtMs: 0,
    endpointAtMs: 300,
    transcriptAtMs: 400,
    requestAtMs: 410,
    firstTokenAtMs: 1_110,
    firstChunkAtMs: 1_260,
    firstAudioAtMs: 1_300,
    audibleAtMs: 1_330,
    playbackEndAtMs: 5_330,
  },
  ...over,
});

describe('what-if', () => {
  it('changes only what the backend decides: TTFT and the tokens before the first chunk', () => {
    const t = turn({});
    expect(firstChunkAt(t, { tps: 2000, ttftMs: 150 })).toBeCloseTo(150 + 4.5, 6);
    // 1,330 − (700 + 150) + (150 + 9 / 2000 s) = 634.5
    expect(gapAt(t, { tps: 2000, ttftMs: 150 })).toBeCloseTo(634.5, 6);
    // At the recorded speed the prediction is the recording (9 tokens at 60 tok/s = 150 ms).
    expect(gapAt(t, { tps: 60, ttftMs: 700 })).toBeCloseTo(1_330, 6);
  });

  it('counts reasoning tokens the first chunk waited for', () => {
    const t = turn({ firstChunkTokens: 410, firstChunkMs: 409 * (1000 / 60) });
    expect(gapAt(t, { tps: 2000, ttftMs: 700 })! - gapAt(t, { tps: 60, ttftMs: 700 })!).toBeCloseTo(
      409 * (1000 / 2000) - 409 * (1000 / 60),
      6,
    );
  });

  it('sums dead air over a conversation and skips turns that were not heard', () => {
    const turns = [turn({}), turn({ gapMs: null }), turn({ gapMs: 1_000 })];
    expect(deadAir(turns)).toBe(2_330);
    expect(deadAirAt(turns, { tps: 60, ttftMs: 700 })).toBeCloseTo(2_330, 6);
    expect(deadAirAt(turns, { tps: 2000, ttftMs: 150 })).toBeCloseTo(634.5 + 304.5, 6);
  });
});

describe('roofline', () => {
  it('reproduces the seed argument: 70B at 16 bits on an H100 is ~24 tok/s for one stream', () => {
    expect(bytesPerTokenGB(70, 2)).toBe(140);
    const h100 = MEMORY_SYSTEMS.find((m) => m.id === 'h100')!;
    expect(decodeCeilingTps(70, 2, h100.bandwidthTBs)).toBeCloseTo(23.9, 1);
    expect(decodeCeilingTps(8, 2, h100.bandwidthTBs)).toBeCloseTo(209.4, 1);
    expect(decodeCeilingTps(70, 0.5, 8)).toBeCloseTo(228.6, 1);
  });
});

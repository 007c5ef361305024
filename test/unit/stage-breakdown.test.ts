/**
 * The stage's silence breakdown follows the reply being heard. Catches the previous line's silence
 * left under a line that is already playing (it changed only when a turn's metrics arrived, after its
 * speech ended), a turn shown before it is audible (its gap is not complete yet), and a text-only
 * lane losing its last breakdown.
 */
import { describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/shared/metrics';
import type { LiveLaneTurn, LiveMarks } from '../../src/renderer/src/overlay/overlay-live';
import { breakdownOf } from '../../src/renderer/src/stage/breakdown';

const PREVIOUS = { gapMs: 820, ttftMs: 700 } as TurnTimeline;
const previous = (): TurnTimeline => ({
  ...PREVIOUS,
  endpointMs: null,
  sttMs: null,
  firstChunkMs: 100,
  ttsMs: 15,
  playoutMs: 5,
  at: {
    lastVoicedAtMs: null,
    endpointAtMs: null,
    transcriptAtMs: null,
    requestAtMs: 0,
    firstTokenAtMs: 700,
    firstChunkAtMs: 800,
    firstAudioAtMs: 815,
    audibleAtMs: 820,
    playbackEndAtMs: 4_000,
  },
});

function liveTurn(marks: Partial<LiveMarks>): LiveLaneTurn {
  return {
    laneId: 'gpu',
    turnId: 'gpu-2',
    marks: {
      lastVoicedAtMs: null,
      endpointAtMs: null,
      transcriptAtMs: null,
      requestAtMs: 5_000,
      firstTokenAtMs: 5_150,
      firstChunkAtMs: 5_153,
      firstAudioAtMs: 5_165,
      audibleAtMs: null,
      ...marks,
    },
    rate: { timesMs: [], tokens: [] },
    answerTokens: 10,
    reasoningTokens: 0,
    timeline: null,
    endedAtMs: null,
  };
}

describe('stage silence breakdown', () => {
  it('shows the reply being heard as soon as it is audible, before its metrics arrive', () => {
    const shown = breakdownOf(previous(), 'gpu-1', liveTurn({ audibleAtMs: 5_166 }));
    expect(shown?.turnId).toBe('gpu-2');
    expect(shown?.gapMs).toBe(166);
    expect(shown?.ttftMs).toBe(150);
    expect(shown?.placed.map((p) => [p.def.key, p.ms])).toEqual([
      ['ttftMs', 150],
      ['firstChunkMs', 3],
      ['ttsMs', 12],
      ['playoutMs', 1],
    ]);
  });

  it('keeps the last finished turn while the next one is not audible yet', () => {
    const shown = breakdownOf(previous(), 'gpu-1', liveTurn({}));
    expect(shown).toMatchObject({ turnId: 'gpu-1', gapMs: 820, ttftMs: 700 });
  });

  it('shows the last finished turn when nothing is playing, and nothing before the first reply', () => {
    expect(breakdownOf(previous(), 'gpu-1', null)?.turnId).toBe('gpu-1');
    expect(breakdownOf(null, null, null)).toBeNull();
  });
});

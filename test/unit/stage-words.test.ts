/**
 * Regression: the stage named lanes by raw spec strings ("sim:tps=2000,ttft=150") and had no
 * "waiting…" figure. The stage's backend words come from the presets' labels, and the waiting
 * figure runs from the end of what the listener heard to the reply's first audible sample.
 */
import { describe, expect, it } from 'vitest';
import { backendWords } from '../../src/renderer/src/stage/backend-words';
import { waiting, waitingText } from '../../src/renderer/src/stage/waiting';
import type { LiveLaneTurn, LiveMarks } from '../../src/renderer/src/overlay/overlay-live';

function turn(marks: Partial<LiveMarks>, endedAtMs: number | null = null): LiveLaneTurn {
  return {
    laneId: 'a',
    turnId: 'a:1',
    marks: {
      lastVoicedAtMs: null,
      endpointAtMs: null,
      transcriptAtMs: null,
      requestAtMs: null,
      firstTokenAtMs: null,
      firstChunkAtMs: null,
      firstAudioAtMs: null,
      audibleAtMs: null,
      ...marks,
    },
    rate: { timesMs: [], tokens: [] },
    answerTokens: 0,
    reasoningTokens: 0,
    timeline: null,
    endedAtMs,
  };
}

describe('backend words', () => {
  it('names a preset spec by its label and rate, in any key order', () => {
    expect(backendWords({ spec: 'sim:tps=2000,ttft=150', provider: 'sim', model: 'sim' })).toBe(
      'Fast inference · 2,000 tok/s',
    );
    expect(backendWords({ spec: 'sim:ttft=700,tps=60', provider: 'sim', model: 'sim' })).toBe(
      'Typical GPU serving · 60 tok/s',
    );
  });

  it('says "Simulated" with the rate for other simulated specs, the provider and model otherwise', () => {
    expect(backendWords({ spec: 'sim:tps=300,ttft=90', provider: 'sim', model: 'sim' })).toBe(
      'Simulated · 300 tok/s',
    );
    const label = (id: string): string | undefined => (id === 'cerebras' ? 'Cerebras' : undefined);
    expect(
      backendWords(
        { spec: 'cerebras:model=llama-3.3-70b', provider: 'cerebras', model: 'llama-3.3-70b' },
        label,
      ),
    ).toBe('Cerebras · llama-3.3-70b');
  });
});

describe('waiting figure', () => {
  it('runs from the end of the speech heard until the first audible sample', () => {
    const t = turn({ lastVoicedAtMs: 1_000, requestAtMs: 1_300 });
    expect(waiting(t, 2_400, true)).toEqual({ ms: 1_400, running: true });
    expect(waitingText(waiting(t, 2_400, true))).toBe('waiting… 1.4 s');
    t.marks.firstTokenAtMs = 1_500;
    // Tokens are not sound: a speaking lane keeps counting until the listener hears the reply.
    expect(waiting(t, 2_600, true).running).toBe(true);
    t.marks.audibleAtMs = 2_700;
    expect(waitingText(waiting(t, 9_000, true))).toBe('replied in 1.7 s');
  });

  it('counts from the request to the first token on a lane that does not speak', () => {
    const t = turn({ requestAtMs: 500 });
    expect(waitingText(waiting(t, 700, false))).toBe('waiting… 0.2 s');
    t.marks.firstTokenAtMs = 650;
    expect(waitingText(waiting(t, 9_000, false))).toBe('replied in 0.1 s');
  });

  it('stops where a cancelled turn ended, and shows nothing before any turn', () => {
    expect(waitingText(waiting(turn({ requestAtMs: 100 }, 900), 5_000, true))).toBe(
      'no reply, stopped at 0.8 s',
    );
    expect(waiting(null, 5_000, true)).toEqual({ ms: null, running: false });
  });
});

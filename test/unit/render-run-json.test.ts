/**
 * One JSON shape for `converse --json`, render's BASE.json and a recording made in the app
 * (src/shared/run-json.ts). Bugs caught: converse's output gaining a recording's playback fields (its
 * readers see a changed shape), render's JSON losing the winner the terminal and the finish card
 * name, lanes out of the order they were asked for, a lane that never finished reported as if it had.
 */
import { describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/shared/metrics';
import type { EngineEvent } from '../../src/shared/protocol';
import { raceResult } from '../../src/shared/race-result';
import { runJson } from '../../src/shared/run-json';

type Progress = Extract<EngineEvent, { type: 'scenario.progress' }>;
type Finished = Extract<EngineEvent, { type: 'scenario.finished' }>;

function timeline(audibleAtMs: number, gapMs: number | null): TurnTimeline {
  return {
    endpointMs: null,
    sttMs: null,
    ttftMs: 60,
    firstChunkMs: 12,
    ttsMs: 8,
    playoutMs: 40,
    gapMs,
    speechMs: 1_500,
    tokens: 14,
    reasoningTokens: 0,
    firstChunkTokens: 5,
    tokensPerSecond: 400,
    genMs: 35,
    interrupted: false,
    at: {
      lastVoicedAtMs: null,
      endpointAtMs: null,
      transcriptAtMs: null,
      requestAtMs: audibleAtMs - 120,
      firstTokenAtMs: audibleAtMs - 60,
      firstChunkAtMs: audibleAtMs - 48,
      firstAudioAtMs: audibleAtMs - 40,
      audibleAtMs,
      playbackEndAtMs: audibleAtMs + 1_500,
    },
  };
}

function line(laneId: string, index: number, audibleAtMs: number, gapMs: number | null): Progress {
  return {
    type: 'scenario.progress',
    laneId,
    index,
    speaker: index % 2 === 0 ? 'Ada' : 'Ben',
    text: `line ${index}`,
    opening: index === 0,
    gapMs,
    timeline: timeline(audibleAtMs, gapMs),
  };
}

function finish(laneId: string, label: string, totalMs: number, stoppedBy: Finished['stoppedBy']): Finished {
  return {
    type: 'scenario.finished',
    laneId,
    label,
    spec: label,
    totalMs,
    deadAirMs: 400,
    turns: 2,
    meanGapMs: 400,
    stoppedBy,
  };
}

// Lane 2 finishes first in time, lane 3 never finishes: the report must still follow lane order.
const events: EngineEvent[] = [
  line('lane-1', 0, 10_000, null),
  line('lane-2', 0, 10_000, null),
  line('lane-2', 1, 11_900, 400),
  finish('lane-2', 'fast', 3_400, 'max-turns'),
  line('lane-1', 1, 12_500, 1_000),
  finish('lane-1', 'slow', 4_000, 'max-turns'),
  line('lane-3', 0, 10_000, null),
];
const LANES = ['lane-1', 'lane-2', 'lane-3'];

describe('run JSON: one shape for converse, render and Record', () => {
  it("keeps converse's keys exactly (no playback times, no recording start) and names the winner", () => {
    const run = runJson('goodbye', LANES, events, { speech: false, playbackTimes: false });
    expect(Object.keys(run)).toEqual(['scenario', 'speech', 'lanes', 'winner']);
    expect(run.speech).toBe(false);
    expect(run.lanes.map((l) => l.label)).toEqual(['slow', 'fast']);
    const [opening, reply] = run.lanes[1]!.turns;
    expect(Object.keys(opening!)).toEqual([
      'speaker',
      'text',
      'gapMs',
      'segments',
      'tokens',
      'tokensPerSecond',
      'opening',
    ]);
    expect(reply).toEqual({
      speaker: 'Ben',
      text: 'line 1',
      gapMs: 400,
      segments: {
        ttftMs: 60,
        firstChunkMs: 12,
        ttsMs: 8,
        playoutMs: 40,
        gapMs: 400,
        speechMs: 1_500,
        genMs: 35,
      },
      tokens: 14,
      tokensPerSecond: 400,
    });
    const result = raceResult(run.lanes);
    expect(run.winner).toEqual({
      label: 'fast',
      spec: 'fast',
      totalMs: 3_400,
      marginMs: 600,
      text: result.text,
    });
    expect(run.winner!.text).toBe('fast wins by 0.6 s');
  });

  it("adds a recording's playback times and start, nothing else", () => {
    const plain = runJson('goodbye', LANES, events, { playbackTimes: false });
    const recorded = runJson('goodbye', LANES, events, { recordingStartAtMs: 9_000 });
    expect(recorded.recordingStartAtMs).toBe(9_000);
    expect(recorded.speech).toBe(true);
    expect(recorded.winner).toEqual(plain.winner);
    recorded.lanes.forEach((lane, i) => {
      lane.turns.forEach((turn, k) => {
        const { audibleAtMs, playbackEndAtMs, ...rest } = turn;
        expect(rest).toEqual(plain.lanes[i]!.turns[k]);
        expect(playbackEndAtMs! - audibleAtMs!).toBe(1_500);
      });
    });
    // The gap is the silence between one line's end and the next line's start on the same lane.
    const [first, second] = recorded.lanes[0]!.turns;
    expect(second!.audibleAtMs! - first!.playbackEndAtMs!).toBe(1_000);
    expect(second!.gapMs).toBe(1_000);
  });

  it('has no winner when no lane finished cleanly', () => {
    const failed = runJson(
      'goodbye',
      ['lane-1'],
      [
        line('lane-1', 0, 10_000, null),
        { ...finish('lane-1', 'slow', 1_500, 'error'), error: 'the provider failed' },
      ],
    );
    expect(failed.winner).toBeNull();
    expect(failed.lanes[0]).toMatchObject({ stoppedBy: 'error', error: 'the provider failed' });
  });
});

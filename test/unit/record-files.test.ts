/**
 * The files a recording made in the app is saved as, from a race's events: one base name in local
 * time (`dialtone-2026-11-30-1042`), five files in render's order, cues counted from the moment the
 * recording's first sample was audible (a cue timed from the race's start, or from engine time zero,
 * would sit seconds away from its voice), a line never heard (no audible time) left out of the
 * captions, and the run JSON with every line's text and the recording's start.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/protocol';
import type { RunJson } from '../../src/shared/run-json';
import { recordingBaseName, recordingFiles } from '../../src/renderer/src/record/record-files';
import { elapsedText } from '../../src/renderer/src/record/record-store';

type Progress = Extract<EngineEvent, { type: 'scenario.progress' }>;

function line(
  laneId: string,
  index: number,
  text: string,
  audibleAtMs: number | null,
  endAtMs: number,
): Progress {
  return {
    type: 'scenario.progress',
    laneId,
    index,
    speaker: index % 2 === 0 ? 'Ada' : 'Ben',
    text,
    opening: index === 0,
    gapMs: index === 0 ? null : 120,
    timeline:
      audibleAtMs === null
        ? null
        : ({
            ttftMs: 10,
            firstChunkMs: 5,
            ttsMs: 40,
            playoutMs: 20,
            gapMs: 120,
            speechMs: endAtMs - audibleAtMs,
            genMs: 30,
            tokens: 12,
            tokensPerSecond: 400,
            at: { audibleAtMs, playbackEndAtMs: endAtMs },
          } as unknown as NonNullable<Progress['timeline']>),
  };
}

const EVENTS: EngineEvent[] = [
  {
    type: 'scenario.started',
    scenario: 'goodbye',
    title: 'Two bots who cannot say goodbye',
    personas: [],
    lanes: [
      { laneId: 'race-1', label: 'fast', spec: 'sim:tps=5000' },
      { laneId: 'race-2', label: 'slow', spec: 'sim:tps=500' },
    ],
    speech: true,
    warnings: [],
  },
  line('race-1', 0, 'Well, Ben, I should let you go.', 10_500, 12_000),
  line('race-2', 0, 'Well, Ben, I should let you go.', 10_600, 12_100),
  line('race-1', 1, 'Oh, it really was!', 12_120, 13_000),
  // Generated but never heard (the race was stopped during it): no caption.
  line('race-2', 1, 'Oh, it really was!', null, 0),
  ...(['race-1', 'race-2'] as const).map((laneId, i): EngineEvent => ({
    type: 'scenario.finished',
    laneId,
    label: i === 0 ? 'fast' : 'slow',
    spec: i === 0 ? 'sim:tps=5000' : 'sim:tps=500',
    totalMs: 3_000 + i * 1_000,
    deadAirMs: 120,
    turns: 2,
    meanGapMs: 120,
    stoppedBy: 'max-turns',
  })),
];

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('a recording’s files', () => {
  it('are named from the local time the recording started', () => {
    expect(recordingBaseName(new Date(2026, 10, 30, 10, 42, 59))).toBe('dialtone-2026-11-30-1042');
    expect(recordingBaseName(new Date(2027, 0, 2, 3, 4))).toBe('dialtone-2027-01-02-0304');
  });

  it('are render’s five, with cues from the recording’s first audible sample and the run with its text', () => {
    const webm = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]);
    const wav = new Uint8Array([0x52, 0x49, 0x46, 0x46]);
    const files = recordingFiles(
      'dialtone-2026-11-30-1042',
      { webm, wav },
      { events: EVENTS, scenario: 'ignored', lanes: [], startAtEngineMs: 10_000 },
    );
    expect(files.map((f) => f.name)).toEqual(
      ['webm', 'wav', 'vtt', 'srt', 'json'].map((e) => `dialtone-2026-11-30-1042.${e}`),
    );
    expect(files[0]!.bytes).toBe(webm);
    expect(files[1]!.bytes).toBe(wav);
    const vtt = decode(files[2]!.bytes);
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect([...vtt.matchAll(/(\S+) --> (\S+)\n(.+)/g)].map((m) => [m[1], m[2], m[3]])).toEqual([
      ['00:00:00.500', '00:00:02.000', 'Ada (fast): Well, Ben, I should let you go.'],
      ['00:00:00.600', '00:00:02.100', 'Ada (slow): Well, Ben, I should let you go.'],
      ['00:00:02.120', '00:00:03.000', 'Ben (fast): Oh, it really was!'],
    ]);
    expect(decode(files[3]!.bytes)).toContain('00:00:00,500 --> 00:00:02,000');
    const run = JSON.parse(decode(files[4]!.bytes)) as RunJson;
    expect(run.scenario).toBe('goodbye');
    expect(run.recordingStartAtMs).toBe(10_000);
    expect(run.lanes.map((l) => [l.label, l.turns.map((t) => t.text)])).toEqual([
      ['fast', ['Well, Ben, I should let you go.', 'Oh, it really was!']],
      ['slow', ['Well, Ben, I should let you go.', 'Oh, it really was!']],
    ]);
    expect(run.winner?.label).toBe('fast');
  });

  it('started mid-race (no scenario.started heard) still label the cues from the race store’s lanes', () => {
    const files = recordingFiles(
      'b',
      { webm: new Uint8Array(), wav: new Uint8Array() },
      {
        events: EVENTS.slice(1),
        scenario: 'goodbye',
        lanes: [
          { laneId: 'race-1', label: 'fast' },
          { laneId: 'race-2', label: 'slow' },
        ],
        startAtEngineMs: 12_000,
      },
    );
    const vtt = decode(files[2]!.bytes);
    expect(vtt).toContain('Ben (fast): Oh, it really was!');
    expect(vtt).not.toContain('race-1');
    expect((JSON.parse(decode(files[4]!.bytes)) as RunJson).lanes).toHaveLength(2);
  });

  it('the indicator’s elapsed time reads m:ss', () => {
    expect([0, 999, 42_000, 61_500, 3_723_000].map(elapsedText)).toEqual([
      '0:00',
      '0:00',
      '0:42',
      '1:01',
      '62:03',
    ]);
  });
});

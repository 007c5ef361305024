/**
 * The run as `converse --json` reports it (scenario, lanes, turns with text, gaps and segments, the
 * winner), from the race's events: the one builder behind `converse --json`, `render`'s BASE.json
 * (Node) and a recording made in the app (the page), so one reader serves all three. A recording adds
 * each line's playback times, which converse leaves out.
 */
import type { EngineEvent } from './protocol';
import { raceResult } from './race-result';

type Progress = Extract<EngineEvent, { type: 'scenario.progress' }>;
type Finished = Extract<EngineEvent, { type: 'scenario.finished' }>;

export interface RunTurn {
  speaker: string;
  text: string;
  gapMs: number | null;
  segments: Record<string, number | null> | null;
  tokens: number;
  tokensPerSecond: number | null;
  opening?: true;
  /**
   * Engine time the line became audible and its playback ended (the cues' source). Present with
   * `playbackTimes` (a recording); a line sits at `audibleAtMs − recordingStartAtMs` in the video.
   */
  audibleAtMs?: number | null;
  playbackEndAtMs?: number | null;
}

export interface RunLane {
  label: string;
  spec: string;
  totalMs: number;
  deadAirMs: number;
  meanGapMs: number | null;
  stoppedBy: Finished['stoppedBy'];
  error?: string;
  turns: RunTurn[];
}

/** The finish card's winner (shared/race-result.ts); `text` is the line the terminal prints. */
export interface RunWinner {
  label: string;
  spec: string;
  totalMs: number;
  marginMs: number | null;
  text: string;
}

export interface RunJson {
  scenario: string;
  speech: boolean;
  lanes: RunLane[];
  winner: RunWinner | null;
  /** Engine time at which a recording's first sample was audible; only in a recording's JSON. */
  recordingStartAtMs?: number;
}

export interface RunJsonOptions {
  /** Whether the race was spoken (`converse --no-speech` is not). Default true. */
  speech?: boolean;
  /** Each line's `audibleAtMs` and `playbackEndAtMs`. Default true; converse leaves them out. */
  playbackTimes?: boolean;
  /** Written as `recordingStartAtMs` when given (render, Record). */
  recordingStartAtMs?: number;
}

/** The timeline's segments (README.md's latency table), ms; null where a stage did not run. */
function segmentsOf(p: Progress): Record<string, number | null> | null {
  const t = p.timeline;
  if (!t) return null;
  return {
    ttftMs: t.ttftMs,
    firstChunkMs: t.firstChunkMs,
    ttsMs: t.ttsMs,
    playoutMs: t.playoutMs,
    gapMs: t.gapMs,
    speechMs: t.speechMs,
    genMs: t.genMs,
  };
}

function turnOf(p: Progress, playbackTimes: boolean): RunTurn {
  const t = p.timeline;
  return {
    speaker: p.speaker,
    text: p.text,
    gapMs: p.gapMs,
    segments: segmentsOf(p),
    tokens: t?.tokens ?? 0,
    tokensPerSecond: t?.tokensPerSecond ?? null,
    ...(p.opening ? { opening: true as const } : {}),
    ...(playbackTimes
      ? { audibleAtMs: t?.at.audibleAtMs ?? null, playbackEndAtMs: t?.at.playbackEndAtMs ?? null }
      : {}),
  };
}

/** The run of the lanes `laneIds` (in that order; a lane with no finish line yet is left out). */
export function runJson(
  scenario: string,
  laneIds: readonly string[],
  events: readonly EngineEvent[],
  options: RunJsonOptions = {},
): RunJson {
  const playbackTimes = options.playbackTimes ?? true;
  const progress = events.filter((e): e is Progress => e.type === 'scenario.progress');
  const finished = new Map(
    events.filter((e): e is Finished => e.type === 'scenario.finished').map((e) => [e.laneId, e]),
  );
  const lanes = laneIds.flatMap((laneId): RunLane[] => {
    const f = finished.get(laneId);
    if (!f) return [];
    return [
      {
        label: f.label,
        spec: f.spec,
        totalMs: f.totalMs,
        deadAirMs: f.deadAirMs,
        meanGapMs: f.meanGapMs,
        stoppedBy: f.stoppedBy,
        ...(f.error !== undefined ? { error: f.error } : {}),
        turns: progress.filter((p) => p.laneId === laneId).map((p) => turnOf(p, playbackTimes)),
      },
    ];
  });
  const result = raceResult(lanes);
  const winner =
    result.winner === null
      ? null
      : {
          label: result.winner.label,
          spec: result.winner.spec,
          totalMs: result.winner.totalMs,
          marginMs: result.marginMs,
          text: result.text,
        };
  return {
    scenario,
    speech: options.speech ?? true,
    lanes,
    winner,
    ...(options.recordingStartAtMs !== undefined ? { recordingStartAtMs: options.recordingStartAtMs } : {}),
  };
}

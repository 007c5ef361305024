/**
 * The run as `converse --json` reports it (scenario, lanes, turns with text, gaps and segments), from
 * the race's events. The same shape as the converse command's object, so one reader serves both.
 * Written by `render` (Node) and by a recording made in the app (the page).
 */
import type { EngineEvent } from './protocol';

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
  /** Engine time the line became audible and its playback ended (the cues' source). */
  audibleAtMs: number | null;
  playbackEndAtMs: number | null;
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

export interface RunJson {
  scenario: string;
  speech: boolean;
  lanes: RunLane[];
}

export function runJson(
  scenario: string,
  laneIds: readonly string[],
  events: readonly EngineEvent[],
): RunJson {
  const progress = events.filter((e): e is Progress => e.type === 'scenario.progress');
  const finished = new Map(
    events.filter((e): e is Finished => e.type === 'scenario.finished').map((e) => [e.laneId, e]),
  );
  const lanes = laneIds.flatMap((laneId) => {
    const f = finished.get(laneId);
    if (!f) return [];
    const lane: RunLane = {
      label: f.label,
      spec: f.spec,
      totalMs: f.totalMs,
      deadAirMs: f.deadAirMs,
      meanGapMs: f.meanGapMs,
      stoppedBy: f.stoppedBy,
      ...(f.error !== undefined ? { error: f.error } : {}),
      turns: progress
        .filter((p) => p.laneId === laneId)
        .map((p) => {
          const t = p.timeline;
          return {
            speaker: p.speaker,
            text: p.text,
            gapMs: p.gapMs,
            segments: t
              ? {
                  ttftMs: t.ttftMs,
                  firstChunkMs: t.firstChunkMs,
                  ttsMs: t.ttsMs,
                  playoutMs: t.playoutMs,
                  gapMs: t.gapMs,
                  speechMs: t.speechMs,
                  genMs: t.genMs,
                }
              : null,
            tokens: t?.tokens ?? 0,
            tokensPerSecond: t?.tokensPerSecond ?? null,
            ...(p.opening ? { opening: true as const } : {}),
            audibleAtMs: t?.at.audibleAtMs ?? null,
            playbackEndAtMs: t?.at.playbackEndAtMs ?? null,
          };
        }),
    };
    return [lane];
  });
  return { scenario, speech: true, lanes };
}

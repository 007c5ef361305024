/**
 * The files a recording made in the app is saved as, the same set `render` writes: BASE.webm (with
 * duration and cues), BASE.wav (48 kHz 16-bit stereo), BASE.vtt and BASE.srt (one cue per spoken
 * line, timed from the playback timeline) and BASE.json (the run as `converse --json` reports it).
 * Pure: the recorder hands over the bytes and the race's events.
 */
import type { RecordingFile } from '../../../shared/preload-api';
import type { EngineEvent } from '../../../shared/protocol';
import { raceCues } from '../../../shared/race-cues';
import { runJson } from '../../../shared/run-json';
import { formatSrt, formatVtt } from '../../../shared/subtitles';

type Progress = Extract<EngineEvent, { type: 'scenario.progress' }>;
type Started = Extract<EngineEvent, { type: 'scenario.started' }>;

/** The WAV's rate: what editors and video tools expect (render writes the same). */
export const RECORDING_WAV_RATE = 48_000;

/** `dialtone-2026-11-30-1042`, in the presenter's local time (what they will look for in the folder). */
export function recordingBaseName(at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `dialtone-${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`;
}

/** What the race did while the recording ran. */
export interface RecordedRace {
  /** `scenario.*` events heard while recording, in order. */
  events: readonly EngineEvent[];
  /** The race's scenario and lanes (from the race store: the race may have started before the recording). */
  scenario: string;
  lanes: readonly { laneId: string; label: string }[];
  /** Engine time at which the recording's first sample was audible. */
  startAtEngineMs: number;
}

export function recordingFiles(
  base: string,
  media: { webm: Uint8Array; wav: Uint8Array },
  race: RecordedRace,
): RecordingFile[] {
  const started = race.events.find((e): e is Started => e.type === 'scenario.started');
  const lanes = started?.lanes ?? race.lanes;
  const progress = race.events.filter((e): e is Progress => e.type === 'scenario.progress');
  const cues = raceCues(progress, new Map(lanes.map((l) => [l.laneId, l.label])), race.startAtEngineMs);
  const run = runJson(
    started?.scenario ?? race.scenario,
    lanes.map((l) => l.laneId),
    race.events,
    { speech: started?.speech ?? true, recordingStartAtMs: race.startAtEngineMs },
  );
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  return [
    { name: `${base}.webm`, bytes: media.webm },
    { name: `${base}.wav`, bytes: media.wav },
    { name: `${base}.vtt`, bytes: text(formatVtt(cues)) },
    { name: `${base}.srt`, bytes: text(formatSrt(cues)) },
    { name: `${base}.json`, bytes: text(JSON.stringify(run, null, 2) + '\n') },
  ];
}

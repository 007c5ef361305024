/**
 * The subtitles of a recorded race, from the playback timeline: a line's cue starts when its first
 * sample became audible (`audibleAtMs`, reported by the page's player) and ends when its playback
 * ended, both minus the moment the recording's first sample was audible, all on the engine clock.
 * Never from when the text was generated: the caption must not run ahead of the voice. Used by
 * `render` (Node) and by a recording made in the app (the page).
 */
import type { EngineEvent } from './protocol';
import type { Cue } from './subtitles';

type Progress = Extract<EngineEvent, { type: 'scenario.progress' }>;

export function raceCues(
  progress: readonly Progress[],
  labels: ReadonlyMap<string, string>,
  recordingStartAtMs: number,
): Cue[] {
  const cues: Cue[] = [];
  for (const p of progress) {
    const at = p.timeline?.at;
    if (!at || at.audibleAtMs === null) continue;
    const endAtMs = at.playbackEndAtMs ?? at.audibleAtMs + (p.timeline?.speechMs ?? 0);
    cues.push({
      startMs: at.audibleAtMs - recordingStartAtMs,
      endMs: endAtMs - recordingStartAtMs,
      text: `${p.speaker} (${labels.get(p.laneId) ?? p.laneId}): ${p.text}`,
    });
  }
  return cues.sort((a, b) => a.startMs - b.startMs);
}

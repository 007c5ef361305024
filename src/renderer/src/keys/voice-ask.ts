/**
 * Asking every lane by voice: one utterance, heard by each lane through its own speech-in while
 * push-to-talk is held, so each lane's gap counts the same endpoint and transcription a spoken turn
 * does. A lane that only takes typing gets the speech-in the other lanes use (or `fallbackStt`), and
 * every lane goes to push-to-talk; nothing changes on a lane that is already set.
 */
import type { MicMode } from '../store/audio-store';

export interface VoiceAskLane {
  laneId: string;
  /** The lane's speech-in spec (`typed` = no microphone). */
  stt: string;
  mode: MicMode;
}

export interface VoiceAskChange {
  laneId: string;
  /** A speech-in to set, when the lane only takes typing. */
  stt?: string;
  /** Push-to-talk, when the lane's microphone is in another mode. */
  mode?: 'ptt';
}

/** What must change so that holding push-to-talk asks every one of `lanes`; empty when ready. */
export function voiceAskChanges(lanes: readonly VoiceAskLane[], fallbackStt: string): VoiceAskChange[] {
  const heard = lanes.find((l) => l.stt !== 'typed')?.stt ?? fallbackStt;
  const changes: VoiceAskChange[] = [];
  for (const lane of lanes) {
    const change: VoiceAskChange = { laneId: lane.laneId };
    if (lane.stt === 'typed') change.stt = heard;
    if (lane.mode !== 'ptt') change.mode = 'ptt';
    if (change.stt !== undefined || change.mode !== undefined) changes.push(change);
  }
  return changes;
}

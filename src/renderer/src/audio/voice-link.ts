/**
 * What the voice parts (audio-setup, mic-routing, lane-playback, push-to-talk) share: the way to
 * the engine, and a short log of what happened to speech on this page, for diagnostics.
 */
import type { ClientMessage } from '../../../shared/protocol';

export interface VoiceLink {
  send(message: ClientMessage): boolean;
  sendBinary(data: ArrayBuffer): boolean;
  /** Engine clock minus page clock, ms; null before the first sync. */
  offsetMs(): number | null;
}

/** One thing that happened to speech on this page. */
export interface VoiceLogEntry {
  type: 'started' | 'ended' | 'interrupt' | 'underrun' | 'audio' | 'vad.start' | 'vad.end';
  laneId: string;
  /** The turn number (see shared/turn-id.ts); -1 when the entry has no turn. */
  turn: number;
  /** `performance.now()` when it was noted. */
  perfAtMs: number;
  /** Engine-clock ms the turn's first sample became audible. */
  audibleAtMs?: number;
  /** Speech played before the turn ended, ms. */
  playedMs?: number;
  /** Engine-clock ms the turn's playback ended. */
  endedAtMs?: number;
  interrupted?: boolean;
  /** VAD events: the engine's time of the speech edge. */
  atMs?: number;
}

/** Entries kept; older ones drop off. */
const LOG_KEPT = 200;

export class VoiceLog {
  private readonly entries: VoiceLogEntry[] = [];

  note(entry: VoiceLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > LOG_KEPT) this.entries.shift();
  }

  /** A copy, oldest first. */
  list(): VoiceLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }
}

/**
 * A speaker with no sound card, for headless runs (CLI, tests): it plays each turn's audio frames in
 * real time on the engine clock and tells the lane when the first sample became audible and when the
 * last one ended — the reports a renderer's player sends — so gaps and speech time are true without a
 * browser, and no turn waits out the lane's no-player grace. Frames that arrive after the queue ran
 * dry play late, as they would on a real device (an underrun is silence the listener hears).
 *
 * A turn's audio ends, for the listener, at its last audible sample: the digital silence a voice pads
 * its speech with (espeak: up to ~340 ms) is part of the silence between speakers, so the end is
 * reported once everything queued has played but dated at the last audible sample, and the next gap
 * counts that padding. A tap (`SpeechTap`) receives every frame with the time it plays, for a mix of
 * what the listener heard.
 */
import { TTS_AUDIO, type AudioFrame } from '../../../shared/audio-frames';
import type { Clock } from '../clock';
import { turnIdOf } from '../../../shared/turn-id';
import type { PlaybackReport } from '../turn-plan';

/** Samples quieter than this (16-bit) are digital silence, not speech (about −54 dBFS). */
export const AUDIBLE_LEVEL = 64;

/** Receives the speech exactly as the speaker plays it (a mixer writing what the listener heard). */
export interface SpeechTap {
  /** A frame of a lane's speech starts playing at `startAtMs` (engine clock). */
  played(laneId: string, samples: Int16Array, sampleRate: number, startAtMs: number): void;
  /** The lane's playback stopped at `atMs` (an interrupt): nothing of it after that was heard. */
  cut(laneId: string, atMs: number): void;
}

/** Where the reports go: the lane (or the engine's `playback.*` messages). */
export interface PlaybackSink {
  playbackStarted(laneId: string, turnId: string, audibleAtMs: number): void;
  playbackEnded(laneId: string, turnId: string, report: PlaybackReport): void;
}

interface Playing {
  turnId: string;
  audibleAtMs: number;
  /** Engine time the audio queued so far ends. */
  playheadAtMs: number;
  /** Audio queued so far, ms. */
  queuedMs: number;
  /** Engine time the last audible sample queued so far ends; null: nothing audible yet. */
  audibleEndAtMs: number | null;
  timer: ReturnType<typeof setTimeout> | null;
  ended: boolean;
}

export class VirtualSpeaker {
  private readonly playing = new Map<string, Playing>();
  private tap: SpeechTap | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly sink: PlaybackSink,
  ) {}

  /** Sends every frame from now on, with its play time, to `tap` (one tap; null removes it). */
  setTap(tap: SpeechTap | null): void {
    this.tap = tap;
  }

  /** One frame of a lane's speech; an empty frame marks the end of the turn's audio. */
  frame(frame: AudioFrame): void {
    if (frame.kind !== TTS_AUDIO) return;
    const turnId = turnIdOf(frame.laneId, frame.turn);
    const nowAtMs = this.clock.now();
    let p = this.playing.get(frame.laneId);
    if (p?.turnId !== turnId) {
      if (frame.samples.length === 0) return;
      // A new turn starts once the previous one's audio is out (bot-to-bot turns never overlap).
      const startAtMs = Math.max(nowAtMs, p && !p.ended ? p.playheadAtMs : nowAtMs);
      if (p?.timer) clearTimeout(p.timer);
      p = {
        turnId,
        audibleAtMs: startAtMs,
        playheadAtMs: startAtMs,
        queuedMs: 0,
        audibleEndAtMs: null,
        timer: null,
        ended: false,
      };
      this.playing.set(frame.laneId, p);
      this.sink.playbackStarted(frame.laneId, turnId, startAtMs);
    }
    if (p.ended) return;
    if (frame.samples.length > 0) {
      const durationMs = (frame.samples.length * 1000) / frame.sampleRate;
      const frameAtMs = Math.max(p.playheadAtMs, nowAtMs);
      const audibleSamples = lastAudible(frame.samples);
      if (audibleSamples > 0) p.audibleEndAtMs = frameAtMs + (audibleSamples * 1000) / frame.sampleRate;
      p.playheadAtMs = frameAtMs + durationMs;
      p.queuedMs += durationMs;
      this.tap?.played(frame.laneId, frame.samples, frame.sampleRate, frameAtMs);
      return;
    }
    this.endAtPlayhead(frame.laneId, p);
  }

  /** Timers may fire a little early by the engine clock: the end is reported only once it is past. */
  private endAtPlayhead(laneId: string, p: Playing): void {
    const waitMs = p.playheadAtMs - this.clock.now();
    // Audio with no audible sample at all (a text race's stand-in) ends where it ends.
    if (waitMs <= 0) this.end(laneId, p, p.audibleEndAtMs ?? p.playheadAtMs, p.queuedMs, false);
    else p.timer = setTimeout(() => this.endAtPlayhead(laneId, p), Math.ceil(waitMs));
  }

  /** The lane's turn was interrupted: stop at once and say how much was heard. */
  interrupt(laneId: string, turnId: string): void {
    const p = this.playing.get(laneId);
    if (p?.turnId !== turnId || p.ended) return;
    const nowAtMs = this.clock.now();
    this.tap?.cut(laneId, nowAtMs);
    this.end(laneId, p, nowAtMs, Math.min(p.queuedMs, Math.max(0, nowAtMs - p.audibleAtMs)), true);
  }

  close(): void {
    for (const p of this.playing.values()) if (p.timer) clearTimeout(p.timer);
    this.playing.clear();
  }

  private end(laneId: string, p: Playing, endedAtMs: number, playedMs: number, interrupted: boolean): void {
    if (p.ended) return;
    p.ended = true;
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
    this.sink.playbackEnded(laneId, p.turnId, { playedMs, endedAtMs, interrupted });
  }
}

/** Samples up to and including the last one at or above AUDIBLE_LEVEL (0: the frame is silent). */
function lastAudible(samples: Int16Array): number {
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]!;
    if (s >= AUDIBLE_LEVEL || s <= -AUDIBLE_LEVEL) return i + 1;
  }
  return 0;
}

/**
 * Per-lane playback: one LaneVoice per lane, made when the lane appears (creating the worklet node
 * costs a few ms on a busy machine, so not at the first word); TTS audio to its lane's voice, held
 * until the worklets are loaded; turn ends and interruptions from the engine; and the voice's
 * `playback.started` / `playback.ended` reports to the engine on the engine clock.
 */
import { TTS_AUDIO, type AudioFrame } from '../../../shared/audio-frames';
import type { EngineEvent } from '../../../shared/protocol';
import { turnIdOf, turnNumberOf } from '../../../shared/turn-id';
import { DEFAULT_LANE_VOICE, type AudioStore } from '../store/audio-store';
import type { AudioSystem } from './audio-system';
import { LaneVoice } from './playback';
import type { VoiceLink, VoiceLog } from './voice-link';

export class LanePlayback {
  private readonly voices = new Map<string, LaneVoice>();
  /** Frames that arrived before the worklets were loaded. */
  private pending: AudioFrame[] = [];
  private ready = false;

  constructor(
    private readonly store: AudioStore,
    private readonly link: VoiceLink,
    private readonly log: VoiceLog,
    private readonly system: AudioSystem | null,
  ) {}

  /** The worklets are loaded: voices for the lanes known so far, then the frames held meanwhile. */
  start(): void {
    this.ready = true;
    for (const laneId of Object.keys(this.store.getState().lanes)) this.voice(laneId);
    const queued = this.pending;
    this.pending = [];
    for (const frame of queued) this.receiveAudio(frame);
  }

  handleEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'turn.metrics': {
        // Sent once the turn is over: no more audio will come for it.
        const turn = turnNumberOf(event.laneId, event.turnId);
        if (turn !== null) this.voices.get(event.laneId)?.finish(turn);
        return;
      }
      case 'interrupt': {
        const turn = turnNumberOf(event.laneId, event.turnId);
        this.log.note({
          type: 'interrupt',
          laneId: event.laneId,
          turn: turn ?? NaN,
          perfAtMs: performance.now(),
        });
        if (turn !== null) this.voices.get(event.laneId)?.interrupt(turn);
        return;
      }
      case 'lane.state':
        if (this.ready) this.voice(event.lane.laneId);
        return;
      default:
        return;
    }
  }

  receiveAudio(frame: AudioFrame): void {
    if (frame.kind !== TTS_AUDIO || !this.system) return;
    if (!this.ready) {
      this.pending.push(frame);
      return;
    }
    this.log.note({ type: 'audio', laneId: frame.laneId, turn: frame.turn, perfAtMs: performance.now() });
    this.voice(frame.laneId).push(frame);
  }

  setVolume(laneId: string, volume: number): void {
    this.voices.get(laneId)?.setVolume(volume);
  }

  setPan(laneId: string, pan: number): void {
    this.voices.get(laneId)?.setPan(pan);
  }

  /** A voice's output level (meters), 0–1; 0 when it has none yet. */
  level(laneId: string): number {
    return this.voices.get(laneId)?.level() ?? 0;
  }

  underruns(laneId: string): number {
    return this.voices.get(laneId)?.underruns ?? 0;
  }

  forgetLane(laneId: string): void {
    this.voices.get(laneId)?.dispose();
    this.voices.delete(laneId);
    this.pending = this.pending.filter((f) => f.laneId !== laneId);
  }

  dispose(): void {
    for (const voice of this.voices.values()) voice.dispose();
    this.voices.clear();
    this.pending = [];
  }

  private voice(laneId: string): LaneVoice {
    let voice = this.voices.get(laneId);
    if (voice) return voice;
    const view = this.store.getState().lanes[laneId] ?? DEFAULT_LANE_VOICE;
    const toEngine = (perfMs: number): number => perfMs + (this.link.offsetMs() ?? 0);
    voice = new LaneVoice(this.system!, view.volume, view.pan, {
      started: (turn, audiblePerfMs) => {
        const audibleAtMs = toEngine(audiblePerfMs);
        this.log.note({ type: 'started', laneId, turn, perfAtMs: performance.now(), audibleAtMs });
        this.link.send({ type: 'playback.started', laneId, turnId: turnIdOf(laneId, turn), audibleAtMs });
      },
      ended: (turn, playedMs, endedPerfMs, interrupted) => {
        const endedAtMs = toEngine(endedPerfMs);
        this.log.note({
          type: 'ended',
          laneId,
          turn,
          perfAtMs: performance.now(),
          playedMs,
          endedAtMs,
          interrupted,
        });
        this.link.send({
          type: 'playback.ended',
          laneId,
          turnId: turnIdOf(laneId, turn),
          playedMs,
          endedAtMs,
          interrupted,
        });
      },
      underrun: () => this.log.note({ type: 'underrun', laneId, turn: -1, perfAtMs: performance.now() }),
    });
    this.voices.set(laneId, voice);
    return voice;
  }
}

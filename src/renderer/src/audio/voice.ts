/**
 * The renderer's voice controller: one front for the UI and the engine client over four parts,
 * each with one job — the AudioContext (audio-setup.ts), the microphone's frames to the lanes
 * (mic-routing.ts), each lane's speech playback (lane-playback.ts) and the push-to-talk key
 * (push-to-talk.ts). State goes to the audio store; `dispose()` undoes everything it set up.
 */
import type { AudioFrame } from '../../../shared/audio-frames';
import type { EngineEvent } from '../../../shared/protocol';
import { createAudioStore, type MicMode, type MicSettings } from '../store/audio-store';
import { AudioSetup } from './audio-setup';
import type { AudioSystem } from './audio-system';
import type { MicCapture } from './capture';
import { LanePlayback } from './lane-playback';
import { MicRouting } from './mic-routing';
import { PushToTalk } from './push-to-talk';
import { VoiceLog, type VoiceLink } from './voice-link';

export type { VoiceLink, VoiceLogEntry } from './voice-link';

export class VoiceController {
  readonly store = createAudioStore();
  /** What happened to speech on this page, for diagnostics. */
  readonly log = new VoiceLog();
  private readonly audio: AudioSetup;
  private readonly routing: MicRouting;
  private readonly playback: LanePlayback;
  private readonly ptt: PushToTalk;

  constructor(private readonly link: VoiceLink) {
    this.audio = new AudioSetup(this.store);
    this.routing = new MicRouting(this.store, link, this.audio.system);
    this.playback = new LanePlayback(this.store, link, this.log, this.audio.system);
    this.ptt = new PushToTalk(this.store, link);
    void this.audio.ready.then((ready) => ready && this.playback.start());
  }

  /** Null when the page cannot have audio. */
  get system(): AudioSystem | null {
    return this.audio.system;
  }

  get mic(): MicCapture | null {
    return this.routing.mic;
  }

  /** Capture frames sent to the engine (diagnostics). */
  get framesSent(): number {
    return this.routing.framesSent;
  }

  /** Resume the audio context; call from a user gesture. */
  enableAudio(): void {
    this.audio.enable();
  }

  // ---- engine → here -------------------------------------------------------------------------

  handleEvent(event: EngineEvent): void {
    this.store.getState().applyEvent(event);
    if (event.type === 'vad.start' || event.type === 'vad.end') {
      this.log.note({
        type: event.type,
        laneId: event.laneId,
        turn: -1,
        perfAtMs: performance.now(),
        atMs: event.atMs,
      });
    }
    this.routing.handleEvent(event);
    this.playback.handleEvent(event);
  }

  receiveAudio(frame: AudioFrame): void {
    this.playback.receiveAudio(frame);
  }

  /** The lane is gone (see store/lane-registry.ts): its voice, settings and frame sequence go. */
  forgetLane(laneId: string): void {
    this.store.getState().forgetLane(laneId);
    this.playback.forgetLane(laneId);
    this.routing.forgetLane(laneId);
  }

  // ---- UI actions ----------------------------------------------------------------------------

  setMode(laneId: string, mode: MicMode): void {
    this.enableAudio();
    this.routing.setMode(laneId, mode);
  }

  /** Holds push-to-talk for every lane in push-to-talk mode (Space, or the ask-all button). */
  talk(down: boolean): void {
    this.ptt.set(down);
  }

  setMicSettings(patch: Partial<MicSettings>): void {
    this.routing.setMicSettings(patch);
  }

  setVolume(laneId: string, volume: number): void {
    this.store.getState().patchLane(laneId, { volume });
    this.playback.setVolume(laneId, volume);
  }

  setPan(laneId: string, pan: number): void {
    this.store.getState().patchLane(laneId, { pan });
    this.playback.setPan(laneId, pan);
  }

  setMicInMix(on: boolean): void {
    this.audio.setMicInMix(on);
  }

  setOutput(deviceId: string): Promise<void> {
    return this.audio.setOutput(deviceId);
  }

  /** Engine clock minus page clock, ms; null before the first sync. */
  offsetMs(): number | null {
    return this.link.offsetMs();
  }

  /** A voice's output level (meters), 0–1; 0 when it has none yet. */
  voiceLevel(laneId: string): number {
    return this.playback.level(laneId);
  }

  underruns(laneId: string): number {
    return this.playback.underruns(laneId);
  }

  /** Stops the key listeners, the microphone, the voices and the audio context. */
  dispose(): void {
    this.ptt.dispose();
    this.routing.dispose();
    this.playback.dispose();
    this.audio.dispose();
  }
}

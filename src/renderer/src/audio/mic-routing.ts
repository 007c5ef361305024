/**
 * Microphone routing: one capture for the page, its frames sent to every lane whose mic is on
 * (`open` or `ptt`), each lane with its own frame sequence. In `ptt` mode frames keep flowing and
 * `mic.ptt` (push-to-talk.ts) tells the engine which part is the turn, so speech begun just before
 * the key press can still be kept as pre-roll.
 */
import { AUDIO_IN, encodeAudioFrame } from '../../../shared/audio-frames';
import type { EngineEvent } from '../../../shared/protocol';
import type { AudioStore, MicMode, MicSettings } from '../store/audio-store';
import type { AudioSystem } from './audio-system';
import { MicCapture, type CapturedFrame } from './capture';
import { CAPTURE_RATE } from './capture-protocol';
import type { VoiceLink } from './voice-link';

export class MicRouting {
  /** Null when the page has no audio. */
  readonly mic: MicCapture | null;
  /** The next frame sequence number per lane. */
  private readonly seq = new Map<string, number>();
  /** Capture frames sent (diagnostics). */
  framesSent = 0;

  constructor(
    private readonly store: AudioStore,
    private readonly link: VoiceLink,
    system: AudioSystem | null,
  ) {
    this.mic = system
      ? new MicCapture(system, {
          onFrame: (f) => this.sendFrame(f),
          onStatus: (status, message) => store.getState().setMic(status, message),
          onDevices: (inputs, outputs) => store.getState().patch({ inputs, outputs }),
        })
      : null;
    void this.mic?.refreshDevices().catch(() => {});
  }

  handleEvent(event: EngineEvent): void {
    if (event.type !== 'hello') return;
    // A new socket (engine restart or reconnect): tell it the mic modes again.
    for (const [laneId, view] of Object.entries(this.store.getState().lanes)) {
      if (view.mode !== 'off' && event.lanes.some((l) => l.laneId === laneId)) {
        this.link.send({ type: 'mic.mode', laneId, mode: view.mode });
      }
    }
  }

  setMode(laneId: string, mode: MicMode): void {
    this.store.getState().patchLane(laneId, { mode, pttDown: false });
    this.link.send({ type: 'mic.mode', laneId, mode });
    this.syncCapture();
  }

  setMicSettings(patch: Partial<MicSettings>): void {
    const settings = { ...this.store.getState().micSettings, ...patch };
    this.store.getState().patch({ micSettings: settings });
    if (this.anyMicOn()) void this.mic?.start(settings);
  }

  /** The lane is gone (its voice view already left the store): stop capturing if it was the last. */
  forgetLane(laneId: string): void {
    this.seq.delete(laneId);
    this.syncCapture();
  }

  dispose(): void {
    this.mic?.dispose();
  }

  private anyMicOn(): boolean {
    return Object.values(this.store.getState().lanes).some((l) => l.mode !== 'off');
  }

  private syncCapture(): void {
    if (!this.mic) return;
    const { mic, micSettings } = this.store.getState();
    if (this.anyMicOn() && !this.mic.running && mic.status !== 'starting') void this.mic.start(micSettings);
    else if (!this.anyMicOn() && mic.status !== 'off') this.mic.stop();
  }

  private sendFrame(frame: CapturedFrame): void {
    const offset = this.link.offsetMs();
    if (offset === null) return;
    for (const [laneId, view] of Object.entries(this.store.getState().lanes)) {
      if (view.mode === 'off') continue;
      const seq = this.seq.get(laneId) ?? 0;
      this.seq.set(laneId, seq + 1);
      const data = encodeAudioFrame({
        kind: AUDIO_IN,
        laneId,
        seq,
        turn: 0,
        atMs: frame.capturedPerfMs + offset,
        sampleRate: CAPTURE_RATE,
        samples: frame.samples,
      });
      if (this.link.sendBinary(data)) this.framesSent += 1;
    }
  }
}

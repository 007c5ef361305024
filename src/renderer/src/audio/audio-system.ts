/**
 * The page's one AudioContext and its output graph:
 *
 *   lane voice … ─┐
 *   lane voice … ─┼─▶ master ─▶ destination (speakers; `setSinkId` picks the device)
 *                 │      └────▶ tap (MediaStreamAudioDestinationNode, for a recorder)
 *   microphone ───┴─ micToTap (0/1) ─▶ tap
 *
 * Worklet modules are files Vite builds (`?worker&url`), so they load under `script-src 'self'`.
 * Browsers start a context created without a user gesture suspended; `resume()` must then be
 * called from one (the UI shows an "enable audio" button while it is not running).
 */
import captureWorkletUrl from './capture-worklet.ts?worker&url';
import playbackWorkletUrl from './playback-worklet.ts?worker&url';

type SinkContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

export class AudioSystem {
  readonly ctx: AudioContext;
  /** Every voice goes through here. */
  readonly master: GainNode;
  /** After the master: what the speakers get (meters, tests). */
  readonly outputAnalyser: AnalyserNode;
  /** The conversation's sound as one MediaStream, for a recorder. */
  readonly tap: MediaStreamAudioDestinationNode;
  /** The microphone's way into the tap (gain 0 or 1). */
  readonly micToTap: GainNode;
  /** Resolves once both worklet modules are loaded. */
  readonly ready: Promise<void>;

  constructor() {
    this.ctx = new AudioContext({ latencyHint: 'interactive' });
    this.master = new GainNode(this.ctx, { gain: 1 });
    this.outputAnalyser = new AnalyserNode(this.ctx, { fftSize: 256, smoothingTimeConstant: 0 });
    this.tap = new MediaStreamAudioDestinationNode(this.ctx, { channelCount: 2 });
    this.micToTap = new GainNode(this.ctx, { gain: 0 });
    this.master.connect(this.ctx.destination);
    this.master.connect(this.outputAnalyser);
    this.master.connect(this.tap);
    this.micToTap.connect(this.tap);
    this.ready = Promise.all([
      this.ctx.audioWorklet.addModule(captureWorkletUrl),
      this.ctx.audioWorklet.addModule(playbackWorkletUrl),
    ]).then(() => undefined);
  }

  get sinkSupported(): boolean {
    return typeof (this.ctx as SinkContext).setSinkId === 'function';
  }

  /** Call from a user gesture. */
  resume(): Promise<void> {
    return this.ctx.state === 'running' ? Promise.resolve() : this.ctx.resume();
  }

  setMicInMix(on: boolean): void {
    this.micToTap.gain.setTargetAtTime(on ? 1 : 0, this.ctx.currentTime, 0.01);
  }

  /** Output device ('' = the system default). */
  async setSink(deviceId: string): Promise<void> {
    const ctx = this.ctx as SinkContext;
    if (!ctx.setSinkId) throw new Error('this browser cannot choose the output device');
    await ctx.setSinkId(deviceId);
  }

  close(): Promise<void> {
    return this.ctx.close();
  }
}

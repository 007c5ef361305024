/**
 * Records the composition and the mix: MediaRecorder on the canvas's stream plus the audio tap's
 * track (VP9, else VP8, with Opus, in WebM), and beside it the same mix as float PCM straight from
 * the audio thread (mix-worklet.ts) for the WAV. The PCM's first sample has a known context frame,
 * so the recording's start is a point on the page clock: the moment that sample was audible, the
 * same reckoning the players use for `playback.started` (audio/audio-clock.ts). Cue times are
 * differences from it.
 */
import type { AudioSystem } from '../audio/audio-system';
import { audibleAtPerfMs } from '../audio/audio-clock';
import mixWorkletUrl from './mix-worklet.ts?worker&url';
import { MIX_PROCESSOR, type MixBlock } from './mix-protocol';
import { VIDEO_FPS } from './composition';

const MIME_TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus'];

export interface Recording {
  webm: Blob;
  mimeType: string;
  left: Float32Array;
  right: Float32Array;
  sampleRate: number;
  /** Page time at which the first recorded sample was audible. */
  startAtPerfMs: number;
}

export function pickMimeType(prefer?: 'vp8' | 'vp9'): string {
  const order = prefer === 'vp8' ? [...MIME_TYPES].reverse() : MIME_TYPES;
  const type = order.find((t) => MediaRecorder.isTypeSupported(t));
  if (!type) throw new Error('this browser cannot record WebM with VP9 or VP8 and Opus');
  return type;
}

export class MixRecorder {
  private recorder: MediaRecorder | null = null;
  private node: AudioWorkletNode | null = null;
  private sink: GainNode | null = null;
  private readonly chunks: Blob[] = [];
  private readonly blocks: MixBlock[] = [];
  private firstFrame: number | null = null;
  private firstAudible: Promise<number> | null = null;
  private loaded: Promise<void> | null = null;

  constructor(
    private readonly system: AudioSystem,
    private readonly canvas: HTMLCanvasElement,
    private readonly options: { mimeType: string; videoBitsPerSecond: number },
  ) {}

  async start(): Promise<void> {
    const { ctx } = this.system;
    this.loaded ??= ctx.audioWorklet.addModule(mixWorkletUrl);
    await this.loaded;
    const node = new AudioWorkletNode(ctx, MIX_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 2,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
    this.node = node;
    // Pulled by the destination through a silent gain: rendered every quantum, as a node the
    // speakers depend on, rather than relying on how a browser treats a node with no outputs.
    this.sink = new GainNode(ctx, { gain: 0 });
    node.connect(this.sink).connect(ctx.destination);
    let resolveFirst: (perfMs: number) => void = () => {};
    this.firstAudible = new Promise((resolve) => (resolveFirst = resolve));
    node.port.onmessage = (e: MessageEvent<MixBlock>) => {
      if (this.firstFrame === null) {
        this.firstFrame = e.data.startFrame;
        resolveFirst(audibleAtPerfMs(ctx, e.data.startFrame / ctx.sampleRate));
      }
      this.blocks.push(e.data);
    };
    const stream = new MediaStream([
      ...this.canvas.captureStream(VIDEO_FPS).getVideoTracks(),
      ...this.system.tap.stream.getAudioTracks(),
    ]);
    const recorder = new MediaRecorder(stream, {
      mimeType: this.options.mimeType,
      videoBitsPerSecond: this.options.videoBitsPerSecond,
      audioBitsPerSecond: 160_000,
    });
    this.recorder = recorder;
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    };
    const started = new Promise<void>((resolve) => (recorder.onstart = () => resolve()));
    // The two start together: the tap and the worklet hear the same master from here on.
    recorder.start(1_000);
    this.system.master.connect(node);
    this.system.micToTap.connect(node);
    await started;
    await this.firstAudible;
  }

  /** Page time at which the first recorded sample was audible. */
  startedAtPerfMs(): Promise<number> {
    if (!this.firstAudible) return Promise.reject(new Error('not recording'));
    return this.firstAudible;
  }

  async stop(): Promise<Recording> {
    const recorder = this.recorder;
    const node = this.node;
    if (!recorder || !node || !this.firstAudible) throw new Error('not recording');
    const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
    recorder.stop();
    node.port.postMessage('stop');
    await stopped;
    // The worklet's last block is posted on 'stop': give it a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    this.system.master.disconnect(node);
    this.system.micToTap.disconnect(node);
    node.disconnect();
    this.sink?.disconnect();
    for (const track of recorder.stream.getVideoTracks()) track.stop();
    const frames = this.blocks.reduce((n, b) => n + b.left.length, 0);
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    let at = 0;
    for (const b of this.blocks) {
      left.set(b.left, at);
      right.set(b.right, at);
      at += b.left.length;
    }
    return {
      webm: new Blob(this.chunks, { type: recorder.mimeType || this.options.mimeType }),
      mimeType: recorder.mimeType || this.options.mimeType,
      left,
      right,
      sampleRate: this.system.ctx.sampleRate,
      startAtPerfMs: await this.firstAudible,
    };
  }
}

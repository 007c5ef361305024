/**
 * The microphone side of the audio thread: downmix to mono, resample to 16 kHz through a proper
 * low-pass (resampler.ts), cut into 512-sample PCM16 frames and post each with the context frame
 * of its first sample. Loaded with `audioWorklet.addModule` from a file Vite builds (`?worker&url`),
 * so it runs under the page's `script-src 'self'`.
 */
import {
  CAPTURE_PROCESSOR,
  type CaptureControl,
  type CaptureFrameMessage,
  type CaptureProcessorOptions,
} from './capture-protocol';
import { StreamResampler } from './resampler';
import { scope } from './worklet-scope';

class CaptureProcessor extends scope.AudioWorkletProcessor {
  private readonly resampler: StreamResampler;
  private readonly frameSamples: number;
  private readonly mono = new Float32Array(128);
  private readonly resampled: Float32Array;
  private frame: Int16Array;
  private filled = 0;
  /** Context frame of the resampler's input sample 0; null until input flows. */
  private inputStartFrame: number | null = null;
  /** Resampled samples produced since `inputStartFrame`. */
  private produced = 0;
  private sumSquares = 0;
  private peak = 0;

  constructor(options?: AudioWorkletNodeOptions) {
    super(options);
    const opts = options?.processorOptions as CaptureProcessorOptions;
    this.frameSamples = opts.frameSamples;
    this.resampler = new StreamResampler(scope.sampleRate, opts.outRate);
    this.resampled = new Float32Array(this.resampler.maxOutput(128));
    this.frame = new Int16Array(this.frameSamples);
    this.port.onmessage = (ev: MessageEvent<CaptureControl>) => {
      if (ev.data.type === 'reset') this.restart();
    };
  }

  private restart(): void {
    this.resampler.reset();
    this.inputStartFrame = null;
    this.produced = 0;
    this.filled = 0;
    this.sumSquares = 0;
    this.peak = 0;
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0] ?? [];
    if (channels.length === 0) {
      // No source connected (device gone): resume cleanly when input comes back.
      if (this.inputStartFrame !== null) this.restart();
      return true;
    }
    if (this.inputStartFrame === null) this.inputStartFrame = scope.currentFrame;
    const n = channels[0]!.length;
    const mono = this.mono.length === n ? this.mono : new Float32Array(n);
    const gain = 1 / channels.length;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (const ch of channels) s += ch[i]!;
      mono[i] = s * gain;
    }
    const count = this.resampler.process(mono, this.resampled);
    for (let i = 0; i < count; i++) {
      const x = Math.max(-1, Math.min(1, this.resampled[i]!));
      this.frame[this.filled++] = Math.round(x * 32767);
      this.sumSquares += x * x;
      this.peak = Math.max(this.peak, Math.abs(x));
      if (this.filled === this.frameSamples) this.emit();
    }
    return true;
  }

  private emit(): void {
    const firstSample = this.produced;
    this.produced += this.frameSamples;
    const message: CaptureFrameMessage = {
      type: 'frame',
      samples: this.frame,
      // Output sample k is input position k·ratio (resampler.ts): exact, no filter skew.
      contextFrame: this.inputStartFrame! + firstSample * this.resampler.ratio,
      rms: Math.sqrt(this.sumSquares / this.frameSamples),
      peak: this.peak,
    };
    this.port.postMessage(message, [this.frame.buffer]);
    this.frame = new Int16Array(this.frameSamples);
    this.filled = 0;
    this.sumSquares = 0;
    this.peak = 0;
  }
}

scope.registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);

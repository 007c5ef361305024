/**
 * One lane's voice: TTS_AUDIO frames from the engine → resampled to the context's rate here → the
 * lane's playback worklet (ring buffer with turn boundaries) → volume → stereo pan → the master bus.
 * Reports when each turn's first sample became audible and when it ended, in page-clock ms (the
 * controller converts to the engine clock).
 *
 * End of a turn's audio: a TTS_AUDIO frame with no samples for that turn; failing that, the turn's
 * `turn.metrics` event or the first frame of a later turn. Only then can `playback.ended` say "all
 * played" — a dry buffer alone may be an underrun between two chunks.
 */
import type { AudioFrame } from '../../../shared/audio-frames';
import { audibleAtPerfMs } from './audio-clock';
import type { AudioSystem } from './audio-system';
import { PLAYBACK_PROCESSOR, type PlaybackControl, type PlaybackReport } from './playback-protocol';
import { StreamResampler } from './resampler';

export interface VoiceReports {
  started(turn: number, audiblePerfMs: number): void;
  ended(turn: number, playedMs: number, endedPerfMs: number, interrupted: boolean): void;
  underrun(total: number): void;
}

/** Interrupted turns remembered per lane, so their late frames are dropped. */
const DEAD_TURNS_KEPT = 16;

export class LaneVoice {
  private readonly node: AudioWorkletNode;
  private readonly gain: GainNode;
  private readonly panner: StereoPannerNode;
  readonly analyser: AnalyserNode;
  private readonly meterBuf: Float32Array<ArrayBuffer>;
  private turn: number | null = null;
  private resampler: StreamResampler | null = null;
  private readonly dead: number[] = [];
  underruns = 0;

  constructor(
    private readonly system: AudioSystem,
    volume: number,
    pan: number,
    private readonly reports: VoiceReports,
  ) {
    const ctx = system.ctx;
    this.node = new AudioWorkletNode(ctx, PLAYBACK_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    this.gain = new GainNode(ctx, { gain: volume });
    this.panner = new StereoPannerNode(ctx, { pan });
    this.analyser = new AnalyserNode(ctx, { fftSize: 1024, smoothingTimeConstant: 0 });
    this.meterBuf = new Float32Array(this.analyser.fftSize);
    this.node.connect(this.gain).connect(this.panner).connect(system.master);
    this.gain.connect(this.analyser);
    this.node.port.onmessage = (ev: MessageEvent<PlaybackReport>) => this.onReport(ev.data);
  }

  push(frame: AudioFrame): void {
    if (this.dead.includes(frame.turn)) return;
    if (frame.samples.length === 0) {
      if (frame.turn === this.turn) this.endTurn();
      return;
    }
    if (frame.turn !== this.turn) {
      if (this.turn !== null) this.endTurn();
      this.turn = frame.turn;
    }
    const rate = this.system.ctx.sampleRate;
    if (frame.sampleRate !== rate && this.resampler?.inRate !== frame.sampleRate) {
      this.resampler = new StreamResampler(frame.sampleRate, rate);
    } else if (frame.sampleRate === rate) this.resampler = null;
    const input = new Float32Array(frame.samples.length);
    for (let i = 0; i < input.length; i++) input[i] = frame.samples[i]! / 32768;
    this.post({ type: 'push', turn: frame.turn, samples: this.resample(input) });
  }

  /** Every sample of `turn` has arrived (same as an empty frame); no-op if it is not the open turn. */
  finish(turn: number): void {
    if (turn === this.turn) this.endTurn();
  }

  /** The engine interrupted `turn`: silence now, drop what is queued and anything still coming. */
  interrupt(turn: number): void {
    this.dead.push(turn);
    if (this.dead.length > DEAD_TURNS_KEPT) this.dead.shift();
    this.post({ type: 'flush' });
    this.turn = null;
    this.resampler?.reset();
  }

  setVolume(volume: number): void {
    this.gain.gain.setTargetAtTime(volume, this.system.ctx.currentTime, 0.015);
  }

  setPan(pan: number): void {
    this.panner.pan.setTargetAtTime(pan, this.system.ctx.currentTime, 0.015);
  }

  /** RMS of the voice's latest output (before panning), 0–1. */
  level(): number {
    this.analyser.getFloatTimeDomainData(this.meterBuf);
    let sum = 0;
    for (const x of this.meterBuf) sum += x * x;
    return Math.sqrt(sum / this.meterBuf.length);
  }

  dispose(): void {
    this.node.port.close();
    this.node.disconnect();
    this.gain.disconnect();
    this.panner.disconnect();
  }

  private endTurn(): void {
    const turn = this.turn;
    if (turn === null) return;
    if (this.resampler) {
      const tail = new Float32Array(this.resampler.maxOutput(this.resampler.lookahead));
      const n = this.resampler.flush(tail);
      if (n > 0) this.post({ type: 'push', turn, samples: tail.slice(0, n) });
      this.resampler.reset();
    }
    this.post({ type: 'end', turn });
    this.turn = null;
  }

  private resample(input: Float32Array): Float32Array {
    if (!this.resampler) return input;
    const out = new Float32Array(this.resampler.maxOutput(input.length));
    return out.subarray(0, this.resampler.process(input, out));
  }

  private post(msg: PlaybackControl): void {
    if (msg.type === 'push') {
      // Transfer a buffer the message owns alone.
      const own = msg.samples.byteOffset === 0 && msg.samples.byteLength === msg.samples.buffer.byteLength;
      const samples = own ? msg.samples : msg.samples.slice();
      this.node.port.postMessage({ ...msg, samples }, [samples.buffer]);
    } else this.node.port.postMessage(msg);
  }

  private onReport(msg: PlaybackReport): void {
    const ctx = this.system.ctx;
    switch (msg.type) {
      case 'started':
        this.reports.started(msg.turn, audibleAtPerfMs(ctx, msg.contextFrame / ctx.sampleRate));
        return;
      case 'ended':
        this.reports.ended(
          msg.turn,
          (msg.playedFrames / ctx.sampleRate) * 1000,
          audibleAtPerfMs(ctx, msg.contextFrame / ctx.sampleRate),
          msg.interrupted,
        );
        return;
      case 'underrun':
        this.underruns = msg.total;
        this.reports.underrun(msg.total);
        return;
    }
  }
}

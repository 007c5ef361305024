/**
 * Speech stages with known behaviour and known delays, for testing the lane's turn-taking and the
 * truth of its timeline: an energy VAD, an STT that answers after a set delay, a TTS that produces
 * a set amount of tone per word after a set delay, and a sentence chunker.
 */
import type { SpeechFactories } from '../../src/main/engine/lane';
import type { ChunkerPort, SttPort, TtsPort, VadEvent, VadPort } from '../../src/main/engine/voice/ports';

const RATE = 16_000;
const FRAME = 512;
const FRAME_MS = (FRAME * 1000) / RATE;

/** Voiced = a 32 ms frame with RMS over 0.05; the endpoint is decided after `silenceMs` of unvoiced frames. */
export class EnergyVad implements VadPort {
  private pending = new Float32Array(0);
  private frames = 0;
  private speechStartFrame: number | null = null;
  private lastVoicedFrame = -1;
  private utterance: Float32Array[] = [];

  constructor(private readonly silenceMs = 300) {}

  push(samples: Float32Array): VadEvent[] {
    const joined = new Float32Array(this.pending.length + samples.length);
    joined.set(this.pending);
    joined.set(samples, this.pending.length);
    const events: VadEvent[] = [];
    let offset = 0;
    for (; offset + FRAME <= joined.length; offset += FRAME) {
      const frame = joined.subarray(offset, offset + FRAME);
      let sum = 0;
      for (const s of frame) sum += s * s;
      const voiced = Math.sqrt(sum / FRAME) > 0.05;
      if (voiced) {
        if (this.speechStartFrame === null) {
          this.speechStartFrame = this.frames;
          events.push({ type: 'start', atMs: this.frames * FRAME_MS });
        }
        this.lastVoicedFrame = this.frames;
      }
      if (this.speechStartFrame !== null) this.utterance.push(frame.slice());
      this.frames += 1;
      if (
        this.speechStartFrame !== null &&
        !voiced &&
        (this.frames - 1 - this.lastVoicedFrame) * FRAME_MS >= this.silenceMs
      ) {
        const audio = new Float32Array(this.utterance.length * FRAME);
        this.utterance.forEach((f, i) => audio.set(f, i * FRAME));
        events.push({
          type: 'end',
          atMs: (this.lastVoicedFrame + 1) * FRAME_MS,
          startMs: this.speechStartFrame * FRAME_MS,
          endpointMs: this.frames * FRAME_MS,
          audio,
        });
        this.speechStartFrame = null;
        this.utterance = [];
      }
    }
    this.pending = joined.slice(offset);
    return events;
  }

  voicedMs(): number {
    return this.speechStartFrame === null ? 0 : (this.lastVoicedFrame + 1 - this.speechStartFrame) * FRAME_MS;
  }

  reset(): void {
    this.pending = new Float32Array(0);
    this.speechStartFrame = null;
    this.utterance = [];
  }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

export class DelayedStt implements SttPort {
  readonly label = 'scripted STT';
  /** Utterance lengths seen, samples. */
  readonly heard: number[] = [];
  constructor(
    private readonly delayMs: number,
    private readonly text: string,
  ) {}
  async transcribe(audio: Float32Array, signal: AbortSignal): Promise<string> {
    this.heard.push(audio.length);
    await sleep(this.delayMs, signal);
    return this.text;
  }
}

/** `delayMs` to first audio, then `msPerWord` of a 440 Hz tone per word, in 20 ms frames. */
export class ToneTts implements TtsPort {
  readonly label = 'scripted TTS';
  readonly spoken: string[] = [];
  constructor(
    private readonly delayMs: number,
    private readonly msPerWord = 200,
  ) {}
  async synthesize(
    text: string,
    signal: AbortSignal,
    onAudio: (s: Int16Array, rate: number) => void,
  ): Promise<void> {
    this.spoken.push(text);
    await sleep(this.delayMs, signal);
    const words = text.split(/\s+/).filter(Boolean).length;
    const total = Math.round((words * this.msPerWord * RATE) / 1000);
    for (let start = 0; start < total && !signal.aborted; start += 320) {
      const frame = new Int16Array(Math.min(320, total - start));
      for (let i = 0; i < frame.length; i++)
        frame[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (start + i)) / RATE));
      onAudio(frame, RATE);
    }
  }
}

/** Splits at sentence ends. */
export class SentenceChunker implements ChunkerPort {
  private buffer = '';
  push(token: string): string[] {
    this.buffer += token;
    const out: string[] = [];
    let match: RegExpExecArray | null;
    while ((match = /^(.*?[.!?])\s+/s.exec(this.buffer))) {
      out.push(match[1]!.trim());
      this.buffer = this.buffer.slice(match[0].length);
    }
    return out;
  }
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest ? [rest] : [];
  }
  reset(): void {
    this.buffer = '';
  }
}

export function scriptedSpeech(opts: {
  sttDelayMs: number;
  ttsDelayMs: number;
  transcript: string;
  silenceMs?: number;
  msPerWord?: number;
}) {
  const stt = new DelayedStt(opts.sttDelayMs, opts.transcript);
  const tts = new ToneTts(opts.ttsDelayMs, opts.msPerWord);
  const factories: SpeechFactories = {
    createVad: async () => new EnergyVad(opts.silenceMs ?? 300),
    createStt: () => stt,
    createTts: (spec) => (spec === 'none' ? null : tts),
    createChunker: () => new SentenceChunker(),
  };
  return { factories, stt, tts };
}

/** 16 kHz frames of 512 samples: a tone while `voiced`, near-silence otherwise. */
export function micFrame(index: number, voiced: boolean): Int16Array {
  const frame = new Int16Array(FRAME);
  for (let i = 0; i < FRAME; i++) {
    const t = index * FRAME + i;
    frame[i] = voiced ? Math.round(12000 * Math.sin((2 * Math.PI * 220 * t) / RATE)) : (t % 7) - 3;
  }
  return frame;
}

export { FRAME_MS };

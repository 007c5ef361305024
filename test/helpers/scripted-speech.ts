/**
 * Speech stages with known behaviour and known delays, for testing the lane's turn-taking and the
 * truth of its timeline: an energy VAD, an STT that answers after a set delay, a TTS that produces
 * a set amount of tone per word after a set delay, and a sentence chunker.
 */
import type WebSocket from 'ws';
import { AUDIO_IN, encodeAudioFrame } from '../../src/shared/audio-frames';
import type { SpeechFactories } from '../../src/main/engine/lane';
import type { ChunkerPort, SttPort, TtsPort } from '../../src/main/engine/voice/ports';
import { VoiceActivityDetector } from '../../src/main/engine/vad/endpointer';
import type { VadModel } from '../../src/main/engine/vad/model';

const RATE = 16_000;
const FRAME = 512;
const FRAME_MS = (FRAME * 1000) / RATE;

/**
 * The real endpointer over a stand-in model: a 32 ms frame is speech (probability 1) when its RMS
 * is over 0.05. Everything but the neural network is the code the app runs.
 */
export function energyVad(silenceMs = 300): VoiceActivityDetector {
  const model: VadModel = {
    process: async (frame) => {
      let sum = 0;
      for (const s of frame) sum += s * s;
      return Math.sqrt(sum / frame.length) > 0.05 ? 1 : 0;
    },
    reset: () => {},
  };
  return new VoiceActivityDetector(model, { silenceMs, minSpeechMs: 64 });
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
    createVad: async () => energyVad(opts.silenceMs ?? 300),
    createStt: () => stt,
    createTts: (spec) => (spec.provider === 'none' ? null : tts),
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

/**
 * Sends mic frames to a lane over an engine socket in real time: `voicedMs` of tone, then `silentMs`
 * of near-silence. A frame leaves when its last sample has been captured, one frame after its first.
 * Returns the next frame index (pass it back to continue the same stream).
 */
export async function speakInto(
  ws: WebSocket,
  laneId: string,
  voicedMs: number,
  silentMs: number,
  startIndex = 0,
): Promise<number> {
  const frames = Math.round((voicedMs + silentMs) / FRAME_MS);
  const voicedFrames = Math.round(voicedMs / FRAME_MS);
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    const due = t0 + i * FRAME_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, due + FRAME_MS - performance.now())));
    const seq = startIndex + i;
    const samples = micFrame(seq, i < voicedFrames);
    ws.send(
      encodeAudioFrame({ kind: AUDIO_IN, laneId, seq, turn: 0, atMs: due, sampleRate: RATE, samples }),
      {
        binary: true,
      },
    );
  }
  return startIndex + frames;
}

export { FRAME_MS };

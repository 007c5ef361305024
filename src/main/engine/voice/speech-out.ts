/**
 * One turn's speech: answer tokens → chunker → TTS → audio frames to the players. Chunks are
 * synthesized one after another while the LLM keeps streaming and the renderer keeps playing, so
 * chunk n+1 is ready before chunk n has finished playing. It remembers where each chunk sits in
 * the turn's audio, so an interruption can keep exactly the words that were heard.
 *
 * A voice pads what it says with digital silence (espeak: up to ~340 ms after every piece). Between
 * pieces that is the pause a listener expects; after the last one it is dead air the listener sits
 * through before the other speaker can start, which no stage of the pipeline accounts for. So a
 * silent tail is held back until more audio follows, and dropped when the turn's speech ends.
 */
import type { Clock } from '../clock';
import type { ChunkerPort, TtsPort } from './ports';

/** Quieter than this (16-bit) is digital silence (about −54 dBFS): a decay below it is not heard. */
const SILENCE_LEVEL = 64;

interface SpokenChunk {
  text: string;
  /** Position in the turn's audio, ms. */
  startMs: number;
  endMs: number;
  /** Its synthesis has ended. A chunk still waiting for its first audio cannot have been heard. */
  synthesized: boolean;
}

export interface SpeechOutDeps {
  tts: TtsPort;
  chunker: ChunkerPort;
  clock: Clock;
  signal: AbortSignal;
  /** Sends one frame of the turn's audio to the players. */
  sendAudio: (samples: Int16Array, sampleRate: number) => void;
  /** A chunk went to TTS (for the UI's captions). */
  onChunk: (index: number, text: string) => void;
  /** TTS failed: the turn's speech stops here; the caller reports it. */
  onError: (err: unknown) => void;
}

export class SpeechOut {
  /** Engine time the first speakable chunk was ready. */
  firstChunkAtMs: number | null = null;
  /** Engine time the first synthesized audio was handed to the players. */
  firstAudioAtMs: number | null = null;
  /** Tokens pushed (reasoning included) when the first chunk was ready. */
  firstChunkTokens: number | null = null;
  private tokensSeen = 0;
  private readonly chunks: SpokenChunk[] = [];
  private audioMs = 0;
  private queue: Promise<void> = Promise.resolve();
  private failed = false;
  private sampleRate = 0;
  /** Silence held back after the last audible sample: sent if more audio follows, else dropped. */
  private heldSilence: Int16Array[] = [];

  constructor(private readonly deps: SpeechOutDeps) {}

  /** Duration of the audio handed out so far, ms. */
  get totalAudioMs(): number {
    return this.audioMs;
  }

  pushToken(text: string): void {
    this.tokensSeen += 1;
    for (const chunk of this.deps.chunker.push(text)) this.enqueue(chunk);
  }

  /** A hidden reasoning token: never spoken, but the first chunk waited for it too. */
  countReasoningToken(): void {
    this.tokensSeen += 1;
  }

  /**
   * Speaks what the chunker still holds and resolves when every chunk has been synthesized; then
   * tells the players the turn's audio is complete with an empty frame, so they can report its end.
   */
  async finish(): Promise<void> {
    for (const chunk of this.deps.chunker.flush()) this.enqueue(chunk);
    await this.queue;
    this.heldSilence = [];
    if (this.sampleRate > 0 && !this.deps.signal.aborted)
      this.deps.sendAudio(new Int16Array(0), this.sampleRate);
  }

  /** The words heard after `playedMs` of this turn's audio (whole words, in order). */
  heardText(playedMs: number): string {
    const heard: string[] = [];
    for (const chunk of this.chunks) {
      if (!chunk.synthesized && chunk.endMs <= chunk.startMs) break;
      if (chunk.endMs <= playedMs) {
        heard.push(chunk.text);
        continue;
      }
      if (chunk.startMs < playedMs && chunk.endMs > chunk.startMs) {
        const words = chunk.text.split(/\s+/).filter(Boolean);
        const share = (playedMs - chunk.startMs) / (chunk.endMs - chunk.startMs);
        const count = Math.floor(words.length * share);
        if (count > 0) heard.push(words.slice(0, count).join(' '));
      }
      break;
    }
    return heard.join(' ');
  }

  private enqueue(text: string): void {
    if (this.deps.signal.aborted || this.failed || text.trim() === '') return;
    if (this.firstChunkAtMs === null) {
      this.firstChunkAtMs = this.deps.clock.now();
      this.firstChunkTokens = this.tokensSeen;
    }
    const index = this.chunks.length;
    const chunk: SpokenChunk = { text, startMs: this.audioMs, endMs: this.audioMs, synthesized: false };
    this.chunks.push(chunk);
    this.queue = this.queue.then(() => this.synthesize(index, chunk));
  }

  private async synthesize(index: number, chunk: SpokenChunk): Promise<void> {
    const { tts, signal, clock } = this.deps;
    if (signal.aborted || this.failed) return;
    this.deps.onChunk(index, chunk.text);
    // More speech follows: the previous piece's held silence is the pause between the two (no one's words).
    this.sendHeldSilence(undefined);
    chunk.startMs = this.audioMs;
    chunk.endMs = this.audioMs;
    try {
      await tts.synthesize(chunk.text, signal, (samples, sampleRate) => {
        if (signal.aborted || samples.length === 0) return;
        this.sampleRate = sampleRate;
        const audible = lastAudible(samples);
        if (audible === 0) {
          this.heldSilence.push(samples);
          return;
        }
        this.sendHeldSilence(chunk);
        this.firstAudioAtMs ??= clock.now();
        this.send(samples.subarray(0, audible), chunk);
        if (audible < samples.length) this.heldSilence.push(samples.subarray(audible));
      });
      chunk.synthesized = true;
    } catch (err) {
      if (signal.aborted) return;
      this.failed = true;
      this.deps.onError(err);
    }
  }

  /** Hands audio to the players; it belongs to `chunk` (its end moves with it). */
  private send(samples: Int16Array, chunk: SpokenChunk | undefined): void {
    this.audioMs += (samples.length * 1000) / this.sampleRate;
    if (chunk) chunk.endMs = this.audioMs;
    this.deps.sendAudio(samples, this.sampleRate);
  }

  /** Sends the silence held back, now known to be a pause inside the speech (inside `chunk`, if given). */
  private sendHeldSilence(chunk: SpokenChunk | undefined): void {
    const held = this.heldSilence;
    this.heldSilence = [];
    for (const samples of held) this.send(samples, chunk);
  }
}

/** How many samples reach to the last one louder than digital silence (0: all silent). */
function lastAudible(samples: Int16Array): number {
  for (let i = samples.length - 1; i >= 0; i--) if (Math.abs(samples[i]!) > SILENCE_LEVEL) return i + 1;
  return 0;
}

/**
 * What a lane's voice pipeline needs from each speech stage, as small interfaces. The lane owns
 * turn-taking and timing; the stages (Silero VAD, STT and TTS providers, the chunker) plug in here,
 * and tests plug in scripted ones with known delays.
 */

import type { ModelProgress } from '../models/manager';
import type { VadEvent } from '../vad/endpointer';

export type { VadEvent };

/** Speech detection over a stream: Silero + the endpointer in the app, scripted models in tests. */
export interface VadPort {
  /** 16 kHz mono samples in; the events they caused out. Calls resolve in order. */
  push(samples: Float32Array): Promise<VadEvent[]>;
  /** Within speech: first voiced frame → end of the last voiced frame so far, ms; 0 outside speech. */
  voicedMs(): number;
  /**
   * The silence window of the utterance in progress, ms (null: the configured one); one that the
   * silence so far already exceeds ends it at the next frame. Absent: the window is fixed.
   */
  setSilenceMs?(silenceMs: number | null): void;
  reset(): Promise<void>;
}

export interface SttPort {
  readonly label: string;
  /**
   * Why this stage runs on the engine thread (its worker did not start), once the provider knows —
   * after its model loads or its first use; null (or absent) while it runs in its own thread.
   */
  readonly engineThread?: string | null;
  /** Downloads and loads what the provider needs before the first utterance (local models). */
  prepare?(options: { onProgress?: (progress: ModelProgress) => void }): Promise<void>;
  /**
   * Transcribes one 16 kHz mono utterance. Rejects with a provider error; resolves '' for silence.
   * A recognizer that can stream calls `onPartial` with the whole text so far, each time it grows.
   */
  transcribe(audio: Float32Array, signal: AbortSignal, onPartial?: (text: string) => void): Promise<string>;
}

export interface TtsPort {
  readonly label: string;
  /**
   * Why this stage runs on the engine thread (its worker did not start), once the provider knows —
   * after its model loads or its first use; null (or absent) while it runs in its own thread.
   */
  readonly engineThread?: string | null;
  /** Loads what the first synthesis would otherwise wait for (espeak's warm instance, models). */
  warm?(options: { onProgress?: (progress: ModelProgress) => void }): Promise<void>;
  /**
   * Synthesizes one chunk, calling `onAudio` with 16-bit mono PCM as it becomes available.
   * Resolves when the chunk is done (or at once when `signal` aborts).
   */
  synthesize(
    text: string,
    signal: AbortSignal,
    onAudio: (samples: Int16Array, sampleRate: number) => void,
  ): Promise<void>;
}

export interface ChunkerPort {
  push(tokenText: string): string[];
  flush(): string[];
  reset(): void;
}

/**
 * What a lane's voice pipeline needs from each speech stage, as small interfaces. The lane owns
 * turn-taking and timing; the stages (Silero VAD, STT and TTS providers, the chunker) plug in here,
 * and tests plug in scripted ones with known delays.
 */

/** Events of the endpointer, in stream time (ms since the first sample pushed). */
export type VadEvent =
  | { type: 'start'; atMs: number }
  | {
      type: 'end';
      /** End of the last voiced frame. */
      atMs: number;
      startMs: number;
      /** When the silence window elapsed and the endpoint was decided. */
      endpointMs: number;
      /** The utterance, 16 kHz mono, with pre-roll. */
      audio: Float32Array;
    };

export interface VadPort {
  /** 16 kHz mono samples in; events they caused out. */
  push(samples: Float32Array): VadEvent[];
  /** Within speech: first voiced frame → end of the last voiced frame so far, ms; 0 outside speech. */
  voicedMs(): number;
  reset(): void;
}

export interface SttPort {
  readonly label: string;
  /** Transcribes one 16 kHz mono utterance. Rejects with a provider error; resolves '' for silence. */
  transcribe(audio: Float32Array, signal: AbortSignal): Promise<string>;
}

export interface TtsPort {
  readonly label: string;
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

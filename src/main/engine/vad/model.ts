/** The VAD model seen by the endpointer: a function of one frame, injected so tests need no real model. */

/** The rate every VAD frame is at. */
export const SAMPLE_RATE = 16_000;
/** New samples per model call (Silero v5 at 16 kHz). */
export const FRAME_SAMPLES = 512;
/** Samples of the previous frame the model sees again as context. */
export const CONTEXT_SAMPLES = 64;
/** Duration of one frame: 32 ms. */
export const FRAME_MS = (FRAME_SAMPLES / SAMPLE_RATE) * 1000;

export interface VadModel {
  /** Speech probability (0–1) of the next FRAME_SAMPLES samples of this stream (16 kHz mono). */
  process(frame: Float32Array): Promise<number>;
  /** Forgets the stream's state (a new stream starts). */
  reset(): void;
}

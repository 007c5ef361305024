/** Messages between the capture worklet and the page (kept apart so both sides share the types). */

/** Name the capture processor is registered under. */
export const CAPTURE_PROCESSOR = 'dialtone-capture';
/** Sample rate of the frames sent to the engine, Hz (what Silero VAD and the STT models take). */
export const CAPTURE_RATE = 16_000;
/** Samples per frame sent to the engine: 32 ms at 16 kHz, one Silero VAD window. */
export const CAPTURE_FRAME_SAMPLES = 512;

export interface CaptureProcessorOptions {
  outRate: number;
  frameSamples: number;
}

/** Worklet → page: one frame of 16 kHz mono PCM. */
export interface CaptureFrameMessage {
  type: 'frame';
  samples: Int16Array;
  /** Context frame (at the context's rate, fractional) of the frame's first sample. */
  contextFrame: number;
  /** Linear RMS and peak of the frame, 0–1. */
  rms: number;
  peak: number;
}

/** Page → worklet. */
export type CaptureControl = { type: 'reset' };

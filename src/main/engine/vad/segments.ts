/** Voiced segments of a whole file, through the same VoiceActivityDetector the lanes use. */
import { FRAME_MS, FRAME_SAMPLES, type VadModel } from './model';
import { VoiceActivityDetector, type VadOptions } from './endpointer';

export interface VadSegment {
  /** Start of the first voiced frame, ms from the start of the audio. */
  startMs: number;
  /** End of the last voiced frame, ms. */
  endMs: number;
  /** When the endpoint was decided (silence window elapsed, or end of audio), ms. */
  endpointMs: number;
}

/**
 * Runs 16 kHz mono audio through a fresh detector in capture-sized chunks (one frame at a time, as
 * the socket delivers them) and returns its utterances.
 */
export async function detectSegments(
  model: VadModel,
  samples16k: Float32Array,
  opts: VadOptions = {},
): Promise<{ segments: VadSegment[]; frameMs: number; frames: number }> {
  const vad = new VoiceActivityDetector(model, opts);
  const segments: VadSegment[] = [];
  const collect = (events: Awaited<ReturnType<VoiceActivityDetector['push']>>): void => {
    for (const e of events) {
      if (e.type === 'end') segments.push({ startMs: e.startMs, endMs: e.atMs, endpointMs: e.endpointMs });
    }
  };
  for (let at = 0; at < samples16k.length; at += FRAME_SAMPLES) {
    collect(await vad.push(samples16k.subarray(at, at + FRAME_SAMPLES)));
  }
  collect(await vad.flush());
  return { segments, frameMs: FRAME_MS, frames: Math.floor(samples16k.length / FRAME_SAMPLES) };
}

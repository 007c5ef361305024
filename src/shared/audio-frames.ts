/**
 * Binary audio frames on the engine socket, both directions: microphone PCM in (`audio.in`) and
 * synthesized speech out (`tts.audio`). One small fixed header, then 16-bit little-endian mono PCM.
 *
 *   offset 0   u8   kind (1 = audio.in, 2 = tts.audio)
 *   offset 1   u8   n = lane id length (1–32, ASCII)
 *   offset 2   n    lane id
 *   then, from the next multiple of 4 (H):
 *   H+0   u32  seq          frame sequence number per lane and direction
 *   H+4   u32  turn         turn number within the lane (0 for microphone audio)
 *   H+8   f64  atMs         engine clock: capture time of the first sample (in) / send time (out)
 *   H+16  u32  sampleRate   Hz
 *   H+20  u32  reserved (0)
 *   H+24  i16[]  samples
 */

export const AUDIO_IN = 1;
export const TTS_AUDIO = 2;
export type AudioFrameKind = typeof AUDIO_IN | typeof TTS_AUDIO;

/** Largest PCM payload one frame may carry, samples (1 s at 48 kHz). */
export const MAX_FRAME_SAMPLES = 48_000;

export interface AudioFrame {
  kind: AudioFrameKind;
  laneId: string;
  seq: number;
  turn: number;
  /** Engine clock, ms. */
  atMs: number;
  sampleRate: number;
  samples: Int16Array;
}

export class AudioFrameError extends Error {
  override name = 'AudioFrameError';
}

function headerBytes(laneIdLength: number): number {
  return Math.ceil((2 + laneIdLength) / 4) * 4 + 24;
}

export function encodeAudioFrame(frame: AudioFrame): ArrayBuffer {
  const id = frame.laneId;
  if (id.length < 1 || id.length > 32 || !/^[\x21-\x7e]+$/.test(id)) {
    throw new AudioFrameError(`lane id "${id}" cannot go in an audio frame`);
  }
  const header = headerBytes(id.length);
  const buffer = new ArrayBuffer(header + frame.samples.length * 2);
  const view = new DataView(buffer);
  view.setUint8(0, frame.kind);
  view.setUint8(1, id.length);
  for (let i = 0; i < id.length; i++) view.setUint8(2 + i, id.charCodeAt(i));
  const h = header - 24;
  view.setUint32(h, frame.seq >>> 0, true);
  view.setUint32(h + 4, frame.turn >>> 0, true);
  view.setFloat64(h + 8, frame.atMs, true);
  view.setUint32(h + 16, frame.sampleRate >>> 0, true);
  new Int16Array(buffer, header).set(frame.samples);
  return buffer;
}

/** Parses a frame; throws AudioFrameError saying what is wrong (the caller drops and counts it). */
export function decodeAudioFrame(data: ArrayBuffer | ArrayBufferView): AudioFrame {
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength < 2) throw new AudioFrameError('audio frame shorter than its header');
  const kind = bytes[0];
  if (kind !== AUDIO_IN && kind !== TTS_AUDIO) throw new AudioFrameError(`unknown audio frame kind ${kind}`);
  const idLength = bytes[1]!;
  if (idLength < 1 || idLength > 32) throw new AudioFrameError('audio frame lane id length out of range');
  const header = headerBytes(idLength);
  if (bytes.byteLength < header) throw new AudioFrameError('audio frame shorter than its header');
  const payload = bytes.byteLength - header;
  if (payload % 2 !== 0) throw new AudioFrameError('audio frame payload is not whole 16-bit samples');
  if (payload / 2 > MAX_FRAME_SAMPLES) {
    throw new AudioFrameError(`audio frame of ${payload / 2} samples is over ${MAX_FRAME_SAMPLES}`);
  }
  let laneId = '';
  for (let i = 0; i < idLength; i++) laneId += String.fromCharCode(bytes[2 + i]!);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = header - 24;
  const sampleRate = view.getUint32(h + 16, true);
  if (sampleRate < 8_000 || sampleRate > 192_000)
    throw new AudioFrameError(`audio frame sample rate ${sampleRate} Hz`);
  const atMs = view.getFloat64(h + 8, true);
  if (!Number.isFinite(atMs)) throw new AudioFrameError('audio frame time is not a number');
  // Copy: the samples must be 2-byte aligned and must not keep the socket's buffer alive.
  const samples = new Int16Array(payload / 2);
  new Uint8Array(samples.buffer).set(bytes.subarray(header));
  return {
    kind: kind as AudioFrameKind,
    laneId,
    seq: view.getUint32(h, true),
    turn: view.getUint32(h + 4, true),
    atMs: atMs,
    sampleRate,
    samples,
  };
}

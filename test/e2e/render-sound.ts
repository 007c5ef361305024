/**
 * Reading a rendered race's sound the way a listener's ear would: the WAV's two channels as written,
 * the WebM's audio as a player decodes it, each lane's voice recovered from the stereo mix, and where
 * sound starts and stops in 10 ms windows.
 */
import { OpusDecoder } from 'opus-decoder';
import { Decoder, tools } from 'ts-ebml';
import { expect } from 'vitest';
import { decodeWav } from '../../src/main/engine/audio/wav';

/** Stereo panner gains of a mono voice at pan p (Web Audio's equal-power law). */
function panGains(p: number): [number, number] {
  const x = ((p + 1) / 2) * (Math.PI / 2);
  return [Math.cos(x), Math.sin(x)];
}

/**
 * The race pans lane 1 to -0.7 and lane 2 to +0.7 (race-actions.ts): each channel is a known mix of
 * the two voices, so inverting that 2×2 mix gives each lane's voice alone even where both speak.
 */
export function demix(left: Float32Array, right: Float32Array): [Float32Array, Float32Array] {
  const [aL, aR] = panGains(-0.7);
  const [bL, bR] = panGains(0.7);
  const det = aL * bR - bL * aR;
  const a = new Float32Array(left.length);
  const b = new Float32Array(left.length);
  for (let i = 0; i < left.length; i++) {
    a[i] = (bR * left[i]! - bL * right[i]!) / det;
    b[i] = (aL * right[i]! - aR * left[i]!) / det;
  }
  return [a, b];
}

/**
 * The two channels of a 16-bit stereo WAV at 48 kHz (decodeWav mixes to mono, and the channels are
 * the point here): the interleaved samples of its data chunk.
 */
export function stereo(file: Buffer): [Float32Array, Float32Array] {
  const header = decodeWav(file, 'race.wav');
  expect([header.channels, header.bitsPerSample, header.sampleRate]).toEqual([2, 16, 48_000]);
  let at = 12;
  while (file.toString('ascii', at, at + 4) !== 'data') at += 8 + file.readUInt32LE(at + 4);
  const frames = file.readUInt32LE(at + 4) / 4;
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = file.readInt16LE(at + 8 + 4 * i) / 32768;
    right[i] = file.readInt16LE(at + 8 + 4 * i + 2) / 32768;
  }
  return [left, right];
}

export const WINDOW_MS = 10;

/** Whether each 10 ms window holds sound (RMS above -50 dBFS). */
export function voicedWindows(samples: Float32Array, rate: number): boolean[] {
  const n = Math.round((rate * WINDOW_MS) / 1000);
  const out: boolean[] = [];
  for (let i = 0; i + n <= samples.length; i += n) {
    let sum = 0;
    for (let j = i; j < i + n; j++) sum += samples[j]! * samples[j]!;
    out.push(Math.sqrt(sum / n) > 0.003);
  }
  return out;
}

/** The start of sound (a voiced window after a silent one) nearest to `ms`, ms; null when none. */
export function nearestOnset(voiced: boolean[], ms: number): number | null {
  let best: number | null = null;
  for (let w = 0; w < voiced.length; w++) {
    if (!voiced[w] || (w > 0 && voiced[w - 1])) continue;
    const at = w * WINDOW_MS;
    if (best === null || Math.abs(at - ms) < Math.abs(best - ms)) best = at;
  }
  return best;
}

/** The end of the sound before `onsetMs` (the last voiced window's end), ms; null: silence before. */
export function soundEndBefore(voiced: boolean[], onsetMs: number): number | null {
  for (let w = Math.round(onsetMs / WINDOW_MS) - 1; w >= 0; w--) if (voiced[w]) return (w + 1) * WINDOW_MS;
  return null;
}

/**
 * The WebM's audio as a player plays it: each Opus block decoded (libopus in WebAssembly) and placed
 * at its own time from the file's start, 48 kHz stereo, the encoder's pre-skip dropped.
 */
export async function webmAudio(webm: Buffer): Promise<[Float32Array, Float32Array]> {
  let audioTrack: number | null = null;
  let trackNumber = 0;
  let trackType = 0;
  let preSkip = 0;
  let clusterMs = 0;
  const blocks: { atMs: number; frames: Uint8Array[] }[] = [];
  const bytes = webm.buffer.slice(webm.byteOffset, webm.byteOffset + webm.byteLength) as ArrayBuffer;
  for (const el of new Decoder().decode(bytes)) {
    const value = 'value' in el ? (el.value as unknown) : undefined;
    const data = 'data' in el ? (el as unknown as { data: Buffer }).data : undefined;
    if (el.name === 'TrackNumber') trackNumber = Number(value);
    else if (el.name === 'TrackType') {
      trackType = Number(value);
      if (trackType === 2) audioTrack = trackNumber;
    } else if (el.name === 'CodecPrivate' && trackType === 2 && data) {
      preSkip = data.readUInt16LE(10); // OpusHead: magic (8), version (1), channels (1), pre-skip
    } else if (el.name === 'Timestamp' || el.name === 'Timecode') clusterMs = Number(value);
    else if (el.name === 'SimpleBlock' && data) {
      const block = tools.ebmlBlock(data);
      if (block.trackNumber === audioTrack)
        blocks.push({ atMs: clusterMs + block.timecode, frames: block.frames.map((f) => new Uint8Array(f)) });
    }
  }
  const decoder = new OpusDecoder({ channels: 2, preSkip });
  await decoder.ready;
  try {
    const decoded = blocks.map((b) => ({ atMs: b.atMs, audio: decoder.decodeFrames(b.frames) }));
    const last = decoded.at(-1);
    const frames = last ? Math.round(last.atMs * 48) + last.audio.samplesDecoded : 0;
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    for (const { atMs, audio } of decoded) {
      const at = Math.round(atMs * 48);
      left.set(audio.channelData[0]!.subarray(0, frames - at), at);
      right.set((audio.channelData[1] ?? audio.channelData[0]!).subarray(0, frames - at), at);
    }
    return [left, right];
  } finally {
    decoder.free();
  }
}

/**
 * WAV in and out. Decodes PCM 8/16/24/32-bit integer and 32/64-bit float (plain or
 * WAVE_FORMAT_EXTENSIBLE) to mono float samples; anything else is a WavError whose one-line message
 * names the file. Encodes 16-bit PCM mono (the STT upload format) and stereo (mixes for editors).
 */
import { readFile } from 'node:fs/promises';
import { resample } from './resample';
import { encodeStereoWavBytes } from '../../../shared/wav-stereo';

/** Bad audio input: the message is one line and starts with the file's name. */
export class WavError extends Error {
  override name = 'WavError';
}

export interface DecodedWav {
  /** Samples per second of the file. */
  sampleRate: number;
  /** Channel count of the file (the samples are already downmixed to mono). */
  channels: number;
  /** Bits per sample of the file as stored. */
  bitsPerSample: number;
  /** Mono samples in [-1, 1], channels averaged. */
  samples: Float32Array;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;
const CODEC_NAMES: Record<number, string> = {
  2: 'MS ADPCM',
  6: 'A-law',
  7: 'µ-law',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x50: 'MPEG',
  0x55: 'MP3',
};
const MAX_CHANNELS = 32;
const MIN_RATE = 1_000;
const MAX_RATE = 768_000;

/** Decodes a RIFF/WAVE file held in memory; `name` is used in error messages. */
export function decodeWav(buffer: Uint8Array, name: string): DecodedWav {
  const fail = (why: string): never => {
    throw new WavError(`${name}: ${why}`);
  };
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const tag = (at: number): string =>
    String.fromCharCode(buffer[at]!, buffer[at + 1]!, buffer[at + 2]!, buffer[at + 3]!);
  if (buffer.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    if (buffer.byteLength >= 4 && tag(0) === 'RIFX') fail('big-endian WAV (RIFX) is not supported');
    fail('not a WAV file (no RIFF/WAVE header)');
  }

  let fmt:
    { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  let data: { offset: number; length: number } | undefined;
  let at = 12;
  while (at + 8 <= buffer.byteLength && data === undefined) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > buffer.byteLength) fail('truncated or malformed fmt chunk');
      let format = view.getUint16(body, true);
      if (format === EXTENSIBLE) {
        if (size < 40) fail('malformed WAVE_FORMAT_EXTENSIBLE fmt chunk');
        format = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (fmt === undefined) fail('data chunk before fmt chunk');
      const available = buffer.byteLength - body;
      // Streaming writers leave 0xFFFFFFFF, or 0 in both the data and RIFF sizes: read to the end.
      const riffSize = view.getUint32(4, true);
      const streamed = size === 0xffffffff || (size === 0 && (riffSize === 0 || riffSize === 0xffffffff));
      const length = streamed ? available : size;
      if (length > available) fail(`truncated: data chunk declares ${size} bytes, only ${available} present`);
      data = { offset: body, length };
    }
    at = body + size + (size & 1);
  }
  if (fmt === undefined) fail('no fmt chunk (truncated or not a WAV file)');
  if (data === undefined) fail('no data chunk (truncated)');
  const { format, channels, sampleRate, blockAlign, bits } = fmt!;

  if (format !== PCM && format !== IEEE_FLOAT) {
    fail(`unsupported codec ${CODEC_NAMES[format] ?? `0x${format.toString(16)}`} (need PCM or float WAV)`);
  }
  if (channels === 0) fail('zero channels');
  if (channels > MAX_CHANNELS) fail(`${channels} channels is not plausible`);
  if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) fail(`sample rate ${sampleRate} Hz is not plausible`);
  const okBits = format === PCM ? [8, 16, 24, 32] : [32, 64];
  if (!okBits.includes(bits)) fail(`unsupported ${bits}-bit ${format === PCM ? 'PCM' : 'float'}`);
  const bytes = bits / 8;
  if (blockAlign !== bytes * channels)
    fail(`block align ${blockAlign} does not match ${channels}×${bits}-bit`);

  const frames = Math.floor(data!.length / blockAlign);
  const samples = new Float32Array(frames);
  const read = sampleReader(view, format, bits);
  const scale = 1 / channels;
  let pos = data!.offset;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, pos += bytes) sum += read(pos);
    samples[i] = sum * scale;
  }
  return { sampleRate, channels, bitsPerSample: bits, samples };
}

function sampleReader(view: DataView, format: number, bits: number): (at: number) => number {
  if (format === IEEE_FLOAT) {
    return bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  }
  switch (bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128;
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) =>
        (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608;
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}

/** Reads and decodes a WAV file; a missing or unreadable file is a WavError naming it. */
export async function readWavFile(path: string): Promise<DecodedWav> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WavError(
      `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(err)})`}`,
    );
  }
  return decodeWav(buffer, path);
}

/** The decoded audio as mono 16 kHz (the rate the VAD and STT take), resampled if needed. */
export function toMono16k(wav: Pick<DecodedWav, 'sampleRate' | 'samples'>): Float32Array {
  return resample(wav.samples, wav.sampleRate, 16_000);
}

/** Float [-1, 1] to 16-bit PCM, clipped and rounded. */
export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    out[i] = s >= 1 ? 32767 : s <= -1 ? -32768 : Math.round(s * 32768);
  }
  return out;
}

/** 16-bit PCM to float [-1, 1). */
export function int16ToFloat32(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

/** A 16-bit PCM mono WAV file of the samples (float input is clipped to [-1, 1]). */
export function encodeWav(samples: Int16Array | Float32Array, sampleRate: number): Buffer {
  return encodeInterleavedWav(
    samples instanceof Int16Array ? samples : float32ToInt16(samples),
    1,
    sampleRate,
  );
}

/**
 * A 16-bit PCM stereo WAV file (what an editor takes) of two equally long float channels in [-1, 1]
 * (clipped). A shorter channel is padded with silence.
 */
export function encodeStereoWav(left: Float32Array, right: Float32Array, sampleRate: number): Buffer {
  // One encoder for Node and the page (shared/wav-stereo.ts).
  const bytes = encodeStereoWavBytes(left, right, sampleRate);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function encodeInterleavedWav(pcm: Int16Array, channels: 1 | 2, sampleRate: number): Buffer {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
    throw new RangeError(`encodeWav: sample rate ${sampleRate} Hz is not plausible`);
  }
  const blockAlign = channels * 2;
  const dataBytes = pcm.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(PCM, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * blockAlign, 28);
  out.writeUInt16LE(blockAlign, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i]!, 44 + i * 2);
  return out;
}

/**
 * The one 16-bit PCM stereo WAV encoder, on plain typed arrays so the page (a recording made in the
 * app) and Node (`render`, `converse --out`, through engine/audio/wav.ts) write the same bytes.
 */

const PCM = 1;
const MIN_RATE = 1_000;
const MAX_RATE = 768_000;
const HEADER_BYTES = 44;

/** Float [-1, 1] to a 16-bit sample, clipped and rounded (the same rule as wav.ts's float32ToInt16). */
function toInt16(s: number): number {
  return s >= 1 ? 32767 : s <= -1 ? -32768 : Math.round(s * 32768);
}

/**
 * A 16-bit PCM WAV file of two float channels in [-1, 1] (clipped), interleaved. A shorter channel
 * is padded with silence.
 */
export function encodeStereoWavBytes(
  left: Float32Array,
  right: Float32Array,
  sampleRate: number,
): Uint8Array {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
    throw new RangeError(`encodeWav: sample rate ${sampleRate} Hz is not plausible`);
  }
  const frames = Math.max(left.length, right.length);
  const dataBytes = frames * 4;
  const out = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, PCM, true);
  view.setUint16(22, 2, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 4, true);
  view.setUint16(32, 4, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < frames; i++) {
    view.setInt16(HEADER_BYTES + i * 4, toInt16(left[i] ?? 0), true);
    view.setInt16(HEADER_BYTES + i * 4 + 2, toInt16(right[i] ?? 0), true);
  }
  return out;
}

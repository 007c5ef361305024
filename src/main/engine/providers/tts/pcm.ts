/** Byte streams to 16-bit samples: raw little-endian PCM, or a WAV header followed by it. */

/** Raw s16le bytes → samples, carrying an odd byte over to the next piece. */
export class PcmDecoder {
  private carry: number | null = null;

  push(bytes: Uint8Array): Int16Array {
    let start = 0;
    const total = bytes.length + (this.carry === null ? 0 : 1);
    const out = new Int16Array(total >> 1);
    let i = 0;
    if (this.carry !== null && bytes.length > 0) {
      out[i++] = toInt16(this.carry | (bytes[0]! << 8));
      start = 1;
      this.carry = null;
    }
    for (; start + 1 < bytes.length; start += 2) out[i++] = toInt16(bytes[start]! | (bytes[start + 1]! << 8));
    if (start < bytes.length) this.carry = bytes[start]!;
    return i === out.length ? out : out.subarray(0, i);
  }
}

const toInt16 = (u: number): number => (u >= 0x8000 ? u - 0x10000 : u);

export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/**
 * A streamed WAV: buffers until the `data` chunk starts, then decodes samples as they come, mixed
 * down to mono and resampled (linear) to `targetRate`. Servers that stream WAV write an unknown
 * (0 or 0xFFFFFFFF) data size; everything after the tag is taken as samples.
 */
export class WavStreamDecoder {
  private head: Uint8Array = new Uint8Array(0);
  private format: WavFormat | null = null;
  private readonly pcm = new PcmDecoder();
  private pendingFrame: number[] = [];
  private nextPos = 0;
  private consumed = 0;
  private lastSample = 0;

  constructor(
    private readonly targetRate: number,
    private readonly label: string,
  ) {}

  push(bytes: Uint8Array): Int16Array {
    if (this.format === null) {
      const joined = new Uint8Array(this.head.length + bytes.length);
      joined.set(this.head);
      joined.set(bytes, this.head.length);
      const found = findData(joined, this.label);
      if (found === null) {
        if (joined.length > 1 << 20) throw new Error(`${this.label} sent a WAV header over 1 MB`);
        this.head = joined;
        return new Int16Array(0);
      }
      this.format = found.format;
      this.head = new Uint8Array(0);
      bytes = joined.subarray(found.dataStart);
    }
    return this.convert(this.pcm.push(bytes));
  }

  private convert(samples: Int16Array): Int16Array {
    const { channels, sampleRate } = this.format!;
    let mono: Int16Array = samples;
    if (channels > 1) {
      const all = [...this.pendingFrame, ...samples];
      const frames = Math.floor(all.length / channels);
      mono = new Int16Array(frames);
      for (let f = 0; f < frames; f++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += all[f * channels + c]!;
        mono[f] = Math.round(sum / channels);
      }
      this.pendingFrame = all.slice(frames * channels);
    }
    if (sampleRate === this.targetRate) return mono;
    return this.resample(mono, sampleRate / this.targetRate);
  }

  /** Linear interpolation across piece boundaries (quality is the server's; this only fits the rate). */
  private resample(input: Int16Array, step: number): Int16Array {
    if (input.length === 0) return input;
    // Absolute input positions: `consumed` is the index of input[0]; the sample before it is `prev`.
    const at = (i: number): number => (i < this.consumed ? this.lastSample : input[i - this.consumed]!);
    const lastIndex = this.consumed + input.length - 1;
    const out: number[] = [];
    while (Math.floor(this.nextPos) + 1 <= lastIndex) {
      const i = Math.floor(this.nextPos);
      const frac = this.nextPos - i;
      const a = at(i);
      out.push(Math.round(a + (at(i + 1) - a) * frac));
      this.nextPos += step;
    }
    this.consumed += input.length;
    this.lastSample = input[input.length - 1]!;
    return Int16Array.from(out);
  }
}

function findData(bytes: Uint8Array, label: string): { format: WavFormat; dataStart: number } | null {
  if (bytes.length < 12) return null;
  const tag = (at: number): string =>
    String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    throw new Error(`${label} sent audio that is neither PCM nor WAV`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'data') {
      if (!format) throw new Error(`${label} sent a WAV without a format chunk`);
      if (format.bitsPerSample !== 16)
        throw new Error(`${label} sent ${format.bitsPerSample}-bit WAV; only 16-bit is read`);
      return { format, dataStart: at + 8 };
    }
    if (at + 8 + size > bytes.length) return null;
    if (id === 'fmt ') {
      format = {
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        bitsPerSample: view.getUint16(at + 22, true),
      };
    }
    at += 8 + size + (size & 1);
  }
  return null;
}

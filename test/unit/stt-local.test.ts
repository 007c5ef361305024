/**
 * Local STT (Whisper through transformers.js on onnxruntime-node). The real-model test runs only when
 * whisper-tiny.en is in the model cache (fetch it with `bin/dialtone models fetch whisper-tiny.en`);
 * otherwise it is reported as skipped, with the reason printed. The missing-model and broken-model paths
 * always run.
 */
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LaneSpecError } from '../../src/shared/lane-spec';
import { parseSttSpec } from '../../src/shared/speech-spec';
import { readWavFile, toMono16k } from '../../src/main/engine/audio/wav';
import { systemClock } from '../../src/main/engine/clock';
import { ModelManager, ModelMissingError } from '../../src/main/engine/models';
import type { ModelEntry } from '../../src/main/engine/models';
import { createStt, LocalStt, SttError, unloadLocalStt } from '../../src/main/engine/providers/stt';
import { localModelEntry } from '../helpers/model-entry';
import { attrInt, attrInts, FLOAT, INT64, node, onnxModel, tensor, valueInfo } from '../helpers/onnx-writer';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'speech');
const manager = new ModelManager({ env: process.env });
const status = await manager.status('whisper-tiny.en');
const skipReason = status.cached
  ? ''
  : `whisper-tiny.en is not in the model cache (${status.dir}: ${status.missing.length} of ` +
    `${status.entry.files.length} files missing; no model hub here) — run bin/dialtone models fetch whisper-tiny.en`;
if (skipReason) console.log(`stt-local: SKIPPING the real-model test: ${skipReason}`);

afterAll(async () => {
  await unloadLocalStt();
});

describe('local STT on the real model', () => {
  it.skipIf(!status.cached)(
    'transcribes a spoken fixture, streams partials, and reuses the loaded model',
    async () => {
      const stt = createStt(parseSttSpec('local:model=whisper-tiny.en'), {
        clock: systemClock,
        env: process.env,
      });
      await stt.prepare({ offline: true });
      const audio = toMono16k(await readWavFile(path.join(FIXTURES, 'merge.wav')));
      const partials: string[] = [];
      const first = await stt.recognize({ audio, onPartial: (t) => partials.push(t) });
      expect(first.text.toLowerCase()).toMatch(/turn left/);
      expect(first.text.toLowerCase()).toMatch(/station/);
      expect(first.text.toLowerCase()).toMatch(/stop/);
      expect(first.sttMs).toBeGreaterThan(0);
      expect(partials.length).toBeGreaterThan(0);
      const second = await stt.recognize({ audio });
      expect(second.text).toBe(first.text);
    },
    120_000,
  );
});

describe('local STT on a tiny Whisper-shaped model (always runs)', () => {
  it('loads from the cache through transformers.js, transcribes, streams partials, chunks, aborts', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-stt-tiny-'));
    try {
      const dir = path.join(dataDir, 'models', 'tiny-whisper.en');
      writeTinyWhisper(dir);
      const entry = await localModelEntry(dir, {
        id: 'tiny-whisper.en',
        transformers: { task: 'automatic-speech-recognition', dtype: 'q8' },
      });
      const models = new ModelManager({ env: { DIALTONE_DATA_DIR: dataDir }, registry: [entry] });
      let now = 0;
      const stt = new LocalStt({ modelId: entry.id, manager: models, clock: { now: () => (now += 10) } });
      await stt.prepare({ offline: true });
      // In its worker: a recognition on the engine thread would hold every lane's tokens and frames.
      expect(stt.where).toBe('worker');
      expect(stt.warning).toBeNull();
      expect(stt.engineThread).toBeNull();
      expect(stt.label).toBe('Local · tiny-whisper.en');

      const tone = (seconds: number): Float32Array =>
        new Float32Array(seconds * 16_000).map((_, i) => 0.1 * Math.sin(i / 10));
      // The lane's port passes the words on as Whisper finds them (the lane sends them as stt.partial).
      const heard: string[] = [];
      const said = await stt.transcribe(tone(1), new AbortController().signal, (t) => heard.push(t));
      expect(said).toBe('Hello from the test model.');
      expect(heard).toEqual(['Hello', 'Hello from', 'Hello from the', 'Hello from the test', said]);
      const partials: string[] = [];
      const first = await stt.recognize({ audio: tone(1), onPartial: (t) => partials.push(t) });
      expect(first).toEqual({ text: 'Hello from the test model.', sttMs: 10, aborted: false });
      expect(partials).toEqual([
        'Hello',
        'Hello from',
        'Hello from the',
        'Hello from the test',
        'Hello from the test model.',
      ]);
      // Longer than Whisper's 30 s window: chunked, still one transcript.
      const long = await stt.recognize({ audio: tone(45) });
      expect(long.text).toMatch(/^Hello from the test model\./);
      // Abort between tokens: generation stops and the result is quietly empty.
      const ac = new AbortController();
      const stopped = await stt.recognize({ audio: tone(1), signal: ac.signal, onPartial: () => ac.abort() });
      expect(stopped).toMatchObject({ text: '', aborted: true });
      // Still usable after an abort.
      expect((await stt.recognize({ audio: tone(1) })).text).toBe('Hello from the test model.');
    } finally {
      await unloadLocalStt();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('local STT when its worker cannot start', () => {
  it('recognizes from the engine thread, streams partials, and says so', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-stt-here-'));
    // A fresh copy of the modules, whose worker start fails as in a bundle without the worker file.
    vi.resetModules();
    const workers = await import('../../src/main/engine/workers/job-worker');
    const start = vi
      .spyOn(workers.JobWorker, 'start')
      .mockRejectedValue(new Error('no whisper-worker next to /app'));
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fresh = await import('../../src/main/engine/providers/stt');
    try {
      const dir = path.join(dataDir, 'models', 'tiny-whisper.en');
      writeTinyWhisper(dir);
      const entry = await localModelEntry(dir, {
        id: 'tiny-whisper.en',
        transformers: { task: 'automatic-speech-recognition', dtype: 'q8' },
      });
      const models = new ModelManager({ env: { DIALTONE_DATA_DIR: dataDir }, registry: [entry] });
      const stt = new fresh.LocalStt({ modelId: entry.id, manager: models, clock: systemClock });
      await stt.prepare({ offline: true });
      const heard: string[] = [];
      const tone = new Float32Array(16_000).map((_, i) => 0.1 * Math.sin(i / 10));
      expect(await stt.transcribe(tone, new AbortController().signal, (t) => heard.push(t))).toBe(
        'Hello from the test model.',
      );
      expect(heard.at(-1)).toBe('Hello from the test model.');
      expect(start).toHaveBeenCalled();
      expect(stt.where).toBe('in-process');
      expect(stt.label).toBe('Local · tiny-whisper.en · on the engine thread');
      expect(stt.warning).toMatch(/^Whisper runs on the engine thread: .*no whisper-worker next to \/app/);
      // The lane reads it through its port and tells the clients (lane.notice).
      expect(stt.engineThread).toBe(stt.warning);
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/Whisper runs on the engine thread/));
    } finally {
      await fresh.unloadLocalStt();
      start.mockRestore();
      warned.mockRestore();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('local STT without the model', () => {
  it('a missing model is a one-line ModelMissingError naming the model, folder and fetch command', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-stt-'));
    try {
      const stt = createStt(parseSttSpec('local'), {
        clock: systemClock,
        env: { DIALTONE_DATA_DIR: dataDir },
      });
      const err = await stt.recognize({ audio: new Float32Array(1600) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ModelMissingError);
      expect((err as Error).message).toBe(
        `model whisper-tiny.en is not downloaded (not in the model cache); it belongs in ` +
          `${path.join(dataDir, 'models', 'whisper-tiny.en')} — fetch it with: bin/dialtone models fetch whisper-tiny.en`,
      );
      // prepare() offline says the same, with its own reason; nothing was created.
      await expect(stt.prepare({ offline: true })).rejects.toThrow(/not downloaded \(offline mode\)/);
      expect(await fs.readdir(dataDir)).toEqual([]);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('an unknown model is a spec error naming the known ones', () => {
    expect(() =>
      createStt(parseSttSpec('local:model=whisper-huge'), { clock: systemClock, env: {} }),
    ).toThrow(LaneSpecError);
    expect(() =>
      createStt(parseSttSpec('local:model=whisper-huge'), { clock: systemClock, env: {} }),
    ).toThrow('unknown model "whisper-huge" (known: whisper-tiny.en, moonshine-tiny)');
  });

  it('a model folder with broken files is one line naming the folder, not a crash', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-stt-'));
    const files: Record<string, string> = {
      'config.json': '{ this is not json',
      'preprocessor_config.json': '{}',
      'tokenizer.json': '{}',
      'tokenizer_config.json': '{}',
      'onnx/encoder_model_quantized.onnx': 'not an onnx file',
      'onnx/decoder_model_merged_quantized.onnx': 'not an onnx file',
    };
    const entry: ModelEntry = {
      id: 'broken-whisper',
      label: 'broken',
      purpose: 'tests',
      licence: 'MIT',
      licenceUrl: '',
      repo: 'org/broken',
      revision: 'r',
      files: Object.entries(files).map(([p, text]) => ({ path: p, sizeBytes: Buffer.byteLength(text) })),
      transformers: { task: 'automatic-speech-recognition', dtype: 'q8' },
    };
    try {
      const dir = path.join(dataDir, 'models', entry.id);
      for (const [p, text] of Object.entries(files)) {
        await fs.mkdir(path.dirname(path.join(dir, p)), { recursive: true });
        await fs.writeFile(path.join(dir, p), text);
      }
      const models = new ModelManager({ env: { DIALTONE_DATA_DIR: dataDir }, registry: [entry] });
      const stt = new LocalStt({ modelId: entry.id, manager: models, clock: systemClock });
      const err = await stt.recognize({ audio: new Float32Array(1600) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SttError);
      const msg = (err as Error).message;
      expect(msg).toMatch(
        new RegExp(
          `^could not load model broken-whisper from ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `,
        ),
      );
      expect(msg).not.toContain('\n');
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * A Whisper-shaped model small enough to write here: an "encoder" that averages the features and a
 * "decoder" whose logits come from a fixed transition table, so it always says "Hello from the test
 * model." It exercises everything but the weights: transformers.js loading the files by the names the
 * registry lists, the feature extractor, generation, the tokenizer, streaming partials, long-audio
 * chunking and abort — all through LocalStt and the model manager.
 */
function writeTinyWhisper(out: string): void {
  // ---- the model ----
  const words = ['Hello', 'Ġfrom', 'Ġthe', 'Ġtest', 'Ġmodel', '.'];
  const EOT = 6,
    SOT = 7,
    NOTS = 8,
    V = 9;
  const next: Record<number, number> = {
    [NOTS]: 0,
    0: 1,
    1: 2,
    2: 3,
    3: 4,
    4: 5,
    5: EOT,
    [SOT]: NOTS,
    [EOT]: EOT,
  };
  const table = new Float32Array(V * V);
  for (let v = 0; v < V; v++) table[v * V + next[v]!] = 10;

  fsSync.mkdirSync(path.join(out, 'onnx'), { recursive: true });
  const encoder = onnxModel(
    [
      node(
        'ReduceMean',
        ['input_features'],
        ['last_hidden_state'],
        [attrInts('axes', [1, 2]), attrInt('keepdims', 1)],
      ),
    ],
    [],
    [valueInfo('input_features', FLOAT, ['batch', 80, 'frames'])],
    [valueInfo('last_hidden_state', FLOAT, ['batch', 1, 1])],
  );
  const decoder = onnxModel(
    [
      node('Gather', ['table', 'input_ids'], ['picked'], [attrInt('axis', 0)]),
      node('Mul', ['encoder_hidden_states', 'zero'], ['nothing']),
      node('Add', ['picked', 'nothing'], ['logits']),
    ],
    [tensor('table', [V, V], table), tensor('zero', [1], new Float32Array([0]))],
    [
      valueInfo('input_ids', INT64, ['batch', 'seq']),
      valueInfo('encoder_hidden_states', FLOAT, ['batch', 'enc', 'd']),
    ],
    [valueInfo('logits', FLOAT, ['batch', 'seq', V])],
  );
  fsSync.writeFileSync(path.join(out, 'onnx', 'encoder_model_quantized.onnx'), encoder);
  fsSync.writeFileSync(path.join(out, 'onnx', 'decoder_model_merged_quantized.onnx'), decoder);
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  fsSync.writeFileSync(
    path.join(out, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [
        special(EOT, '<|endoftext|>'),
        special(SOT, '<|startoftranscript|>'),
        special(NOTS, '<|notimestamps|>'),
      ],
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        byte_fallback: false,
        vocab: Object.fromEntries(words.map((w, i) => [w, i])),
        merges: [],
      },
    }),
  );
  fsSync.writeFileSync(
    path.join(out, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'WhisperTokenizer',
      bos_token: '<|endoftext|>',
      eos_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      model_max_length: 1024,
      clean_up_tokenization_spaces: true,
    }),
  );
  fsSync.writeFileSync(
    path.join(out, 'config.json'),
    JSON.stringify({
      model_type: 'whisper',
      architectures: ['WhisperForConditionalGeneration'],
      is_encoder_decoder: true,
      vocab_size: V,
      d_model: 4,
      encoder_layers: 1,
      decoder_layers: 1,
      encoder_attention_heads: 1,
      decoder_attention_heads: 1,
      max_source_positions: 1500,
      max_target_positions: 448,
      num_mel_bins: 80,
      decoder_start_token_id: SOT,
      eos_token_id: EOT,
      pad_token_id: EOT,
      bos_token_id: EOT,
    }),
  );
  fsSync.writeFileSync(
    path.join(out, 'generation_config.json'),
    JSON.stringify({
      decoder_start_token_id: SOT,
      eos_token_id: EOT,
      pad_token_id: EOT,
      bos_token_id: EOT,
      no_timestamps_token_id: NOTS,
      is_multilingual: false,
      max_length: 448,
    }),
  );
  fsSync.writeFileSync(
    path.join(out, 'preprocessor_config.json'),
    JSON.stringify({
      feature_extractor_type: 'WhisperFeatureExtractor',
      feature_size: 80,
      sampling_rate: 16000,
      hop_length: 160,
      chunk_length: 30,
      n_fft: 400,
      n_samples: 480000,
      nb_max_frames: 3000,
      padding_value: 0,
      return_attention_mask: false,
      processor_class: 'WhisperProcessor',
    }),
  );
}

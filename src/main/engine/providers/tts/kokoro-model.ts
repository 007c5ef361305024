/**
 * Kokoro-82M on onnxruntime-node: phonemes in, 24 kHz speech out.
 *
 * The model folder holds what the model manager fetched: the ONNX graph, `tokenizer.json` (the
 * phoneme vocabulary: one symbol, one id) and one style file per voice (`voices/<id>.bin`, rows of 256
 * float32, row n being the voice's style for an utterance of n phonemes). Loaded once per folder and
 * shared by every lane; inferences run one at a time (two cores: two at once only make both slower).
 * Both common exports run: onnx-community's (`input_ids` → `waveform`) and sherpa-onnx's
 * (`tokens` → `audio`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { errorMessage } from '../../../../shared/error-message';

/** Kokoro's output rate, samples per second. */
export const KOKORO_SAMPLE_RATE = 24_000;
/** The most phonemes one inference takes (the model's 512 positions, less the two pads). */
export const KOKORO_MAX_PHONEMES = 510;
const STYLE_DIM = 256;
const PAD_ID = 0;

const Tokenizer = z.object({
  model: z.object({ vocab: z.record(z.string(), z.number().int().nonnegative()) }),
});

export interface KokoroModelFiles {
  /** The model folder. */
  dir: string;
  /** The ONNX graph, relative to `dir`. */
  onnx: string;
}

export class KokoroModel {
  /** The last inference (serializes them). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly styles = new Map<string, Promise<Float32Array>>();

  private constructor(
    readonly dir: string,
    private readonly session: ort.InferenceSession,
    /** Phoneme symbol → id. */
    readonly vocab: ReadonlyMap<string, number>,
    private readonly names: { ids: string; style: string; speed: string; audio: string },
  ) {}

  /** Loads the graph and vocabulary; a broken folder is one line naming the file and the problem. */
  static async open(files: KokoroModelFiles): Promise<KokoroModel> {
    const vocab = await readVocab(path.join(files.dir, 'tokenizer.json'));
    const onnxPath = path.join(files.dir, files.onnx);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(onnxPath, { graphOptimizationLevel: 'all' });
    } catch (err) {
      throw new Error(`${onnxPath}: not a loadable ONNX model (${firstLine(err)})`, { cause: err });
    }
    const pick = (names: readonly string[], wanted: string[]): string | undefined =>
      wanted.find((n) => names.includes(n));
    const ids = pick(session.inputNames, ['input_ids', 'tokens']);
    const audio = pick(session.outputNames, ['waveform', 'audio']);
    const style = pick(session.inputNames, ['style']);
    const speed = pick(session.inputNames, ['speed']);
    if (!ids || !audio || !style || !speed) {
      throw new Error(
        `${onnxPath}: not a Kokoro model (inputs ${session.inputNames.join(', ')}; outputs ` +
          `${session.outputNames.join(', ')}; need input_ids, style, speed → waveform)`,
      );
    }
    return new KokoroModel(files.dir, session, vocab, { ids, style, speed, audio });
  }

  /** Loads a voice's style table (once); throws naming the file when it is missing or malformed. */
  voice(voiceId: string): Promise<Float32Array> {
    let style = this.styles.get(voiceId);
    if (!style) {
      style = readStyle(path.join(this.dir, 'voices', `${voiceId}.bin`));
      this.styles.set(voiceId, style);
      style.catch(() => this.styles.delete(voiceId));
    }
    return style;
  }

  /**
   * Speech for at most KOKORO_MAX_PHONEMES phoneme ids: float samples at 24 kHz. `speed` 1 is the
   * voice's natural pace.
   */
  generate(ids: readonly number[], voiceId: string, speed: number): Promise<Float32Array> {
    if (ids.length === 0 || ids.length > KOKORO_MAX_PHONEMES) {
      throw new RangeError(`Kokoro takes 1–${KOKORO_MAX_PHONEMES} phonemes at a time, not ${ids.length}`);
    }
    const run = this.queue.then(async () => {
      const table = await this.voice(voiceId);
      const rows = table.length / STYLE_DIM;
      const row = Math.min(ids.length, rows - 1);
      const input = BigInt64Array.from([PAD_ID, ...ids, PAD_ID], (id) => BigInt(id));
      const out = await this.session.run({
        [this.names.ids]: new ort.Tensor('int64', input, [1, input.length]),
        [this.names.style]: new ort.Tensor('float32', table.slice(row * STYLE_DIM, (row + 1) * STYLE_DIM), [
          1,
          STYLE_DIM,
        ]),
        [this.names.speed]: new ort.Tensor('float32', Float32Array.of(speed), [1]),
      });
      return out[this.names.audio]!.data as Float32Array;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Phoneme ids for a phoneme string; symbols outside the vocabulary are left out. */
export function tokenize(vocab: ReadonlyMap<string, number>, phonemes: string): number[] {
  const ids: number[] = [];
  for (const symbol of phonemes) {
    const id = vocab.get(symbol);
    if (id !== undefined && id !== PAD_ID) ids.push(id);
  }
  return ids;
}

async function readVocab(file: string): Promise<Map<string, number>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: unreadable (${firstLine(err)})`, { cause: err });
  }
  const parsed = Tokenizer.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: no phoneme vocabulary (model.vocab) in it`);
  return new Map(Object.entries(parsed.data.model.vocab));
}

async function readStyle(file: string): Promise<Float32Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new Error(`${file}: voice file missing (${firstLine(err)})`, { cause: err });
  }
  if (bytes.length === 0 || bytes.length % (STYLE_DIM * 4) !== 0) {
    throw new Error(`${file}: not a Kokoro voice (${bytes.length} bytes is not rows of ${STYLE_DIM} floats)`);
  }
  // Copy: a Buffer may sit at an offset in a shared pool that is not float-aligned.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function firstLine(err: unknown): string {
  return errorMessage(err).split('\n')[0]!.slice(0, 300);
}

/** Loaded models by folder. */
const loaded = new Map<string, Promise<KokoroModel>>();

/** The process's one model for a folder, loaded on first use. */
export function kokoroModel(files: KokoroModelFiles): Promise<KokoroModel> {
  const key = path.join(files.dir, files.onnx);
  let model = loaded.get(key);
  if (!model) {
    model = KokoroModel.open(files);
    loaded.set(key, model);
    model.catch(() => loaded.delete(key));
  }
  return model;
}

/** What the engine thread asks of the Kokoro worker. */
export type KokoroJob =
  | { kind: 'open'; files: KokoroModelFiles; voice: string }
  | { kind: 'generate'; files: KokoroModelFiles; voice: string; speed: number; ids: number[] };

/** `open` → the vocabulary (the engine thread tokenizes); `generate` → 24 kHz samples. */
export type KokoroResult = { vocab: [string, number][] } | Float32Array;

/** Serves one job (in the worker, or in-process where no worker could start). */
export async function runKokoroJob(job: KokoroJob): Promise<KokoroResult> {
  const model = await kokoroModel(job.files);
  if (job.kind === 'open') {
    await model.voice(job.voice);
    return { vocab: [...model.vocab] };
  }
  return model.generate(job.ids, job.voice, job.speed);
}

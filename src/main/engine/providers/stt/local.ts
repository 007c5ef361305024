/**
 * Local STT: Whisper (ONNX) through transformers.js on its Node backend (onnxruntime-node), with the
 * model files from the model manager's cache. transformers.js is told never to reach the hub itself
 * (`allowRemoteModels = false`): fetching is the manager's job, with progress, resume and checksums.
 * The pipeline is loaded once per model folder and shared by every lane; recognitions run one at a time
 * (two cores: running two at once only makes both slower).
 */
import path from 'node:path';
import type { Clock } from '../../clock';
import type { ModelLocation, ModelManager } from '../../models/manager';
import { Stt } from './base';
import type { SttPrepareOptions, TranscribeContext } from './base';
import { SttError } from './types';
import { UnknownModelError } from '../../models/errors';

export interface LocalSttConfig {
  modelId: string;
  /** `en`, … (multilingual models only; English-only models ignore it). */
  language?: string;
  manager: ModelManager;
  clock: Clock;
}

type Transcriber = (
  audio: Float32Array,
  options: Record<string, unknown>,
) => Promise<{ text: string } | { text: string }[]>;

interface Loaded {
  transcriber: Transcriber;
  tokenizer: unknown;
  /** The last recognition (serializes them). */
  queue: Promise<unknown>;
  dispose: () => Promise<void>;
}

const WHISPER_WINDOW_S = 30;

/** Loaded pipelines by model folder. */
const loaded = new Map<string, Promise<Loaded>>();

export class LocalStt extends Stt {
  readonly id = 'local';
  readonly label: string;
  readonly modelId: string;
  readonly #config: LocalSttConfig;

  constructor(config: LocalSttConfig) {
    super(config.clock);
    this.#config = config;
    this.modelId = config.modelId;
    // Validates the id now: an unknown model is a configuration error, not a turn error.
    const recognizers = config.manager
      .list()
      .filter((m) => m.transformers?.task === 'automatic-speech-recognition');
    if (!recognizers.some((m) => m.id === config.modelId)) {
      throw new UnknownModelError(
        config.modelId,
        recognizers.map((m) => m.id),
      );
    }
    this.label = `Local · ${config.modelId}`;
  }

  /**
   * Downloads the model if needed (unless offline) and loads it, so the first utterance does not pay
   * for either. Without this, `recognize` loads a cached model on first use and never downloads.
   */
  override async prepare(options: SttPrepareOptions = {}): Promise<void> {
    const location = await this.#config.manager.ensure(this.modelId, options);
    await load(location);
  }

  protected async run(audio: Float32Array, ctx: TranscribeContext): Promise<string> {
    // Offline: a turn must not stall on a 40 MB download; a missing model is a ModelMissingError.
    const location = await this.#config.manager.ensure(this.modelId, {
      offline: true,
      offlineReason: 'not in the model cache',
    });
    const model = await load(location);
    const run = model.queue.then(() => this.#run(model, audio, ctx));
    model.queue = run.catch(() => undefined);
    return run;
  }

  async #run(model: Loaded, audio: Float32Array, ctx: TranscribeContext): Promise<string> {
    if (ctx.signal.aborted) return '';
    const tf = await import('@huggingface/transformers');
    let partial = '';
    const streamer = new tf.WhisperTextStreamer(model.tokenizer as never, {
      skip_prompt: true,
      callback_function: (piece: string) => {
        partial += piece;
        ctx.onPartial(partial.trim());
      },
      // Throwing from the streamer is the one way to stop generate() between tokens.
      token_callback_function: () => {
        if (ctx.signal.aborted) throw new Error('aborted');
      },
    });
    const english = this.modelId.endsWith('.en');
    const out = await model.transcriber(audio, {
      streamer,
      // Whisper sees 30 s at a time; a longer utterance is cut into overlapping windows.
      ...(audio.length > WHISPER_WINDOW_S * 16_000
        ? { chunk_length_s: WHISPER_WINDOW_S, stride_length_s: 5 }
        : {}),
      ...(english
        ? {}
        : { task: 'transcribe', ...(this.#config.language ? { language: this.#config.language } : {}) }),
    });
    return (Array.isArray(out) ? out.map((o) => o.text).join(' ') : out.text).trim();
  }

  override async close(): Promise<void> {
    // Shared between lanes: the pipeline stays loaded for the life of the engine.
  }
}

function load(location: ModelLocation): Promise<Loaded> {
  const key = location.dir;
  let model = loaded.get(key);
  if (!model) {
    model = open(location);
    loaded.set(key, model);
    model.catch(() => loaded.delete(key));
  }
  return model;
}

async function open(location: ModelLocation): Promise<Loaded> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = location.root + path.sep;
  tf.env.useFSCache = false;
  const dtype = location.entry.transformers?.dtype ?? 'fp32';
  let pipe: Awaited<ReturnType<typeof tf.pipeline<'automatic-speech-recognition'>>>;
  try {
    pipe = await tf.pipeline('automatic-speech-recognition', location.entry.id, {
      device: 'cpu',
      dtype,
      local_files_only: true,
    });
  } catch (err) {
    // A corrupt file or a model of the wrong shape: one line naming the folder, not a stack.
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
    throw new SttError(
      'failed',
      `could not load model ${location.entry.id} from ${location.dir}: ${why} ` +
        `(delete the folder and run: bin/dialtone models fetch ${location.entry.id})`,
      { cause: err },
    );
  }
  return {
    transcriber: pipe as unknown as Transcriber,
    tokenizer: pipe.tokenizer,
    queue: Promise.resolve(),
    dispose: () => pipe.dispose(),
  };
}

/** Unloads every local model (tests, engine shutdown). */
export async function unloadLocalStt(): Promise<void> {
  const all = [...loaded.values()];
  loaded.clear();
  await Promise.all(
    all.map((m) =>
      m.then(
        (l) => l.dispose(),
        () => undefined,
      ),
    ),
  );
}

/**
 * Local STT: Whisper through transformers.js (whisper-model.ts), or Moonshine on onnxruntime-node
 * (moonshine-model.ts), with the model files from the model manager's cache. Recognition runs in a worker thread: onnxruntime-node's `run` blocks its thread
 * for the whole inference (seconds on two cores), and on the engine thread the other lane's tokens
 * would be stamped late and every audio frame would wait. The engine thread keeps the model manager
 * (it only reads and downloads files) and posts audio; the worker streams partial text back. Where no
 * worker can be started (a bundle without the worker file), Whisper runs in this thread instead, and
 * says so (placement.ts).
 */
import type { Clock } from '../../clock';
import type { ModelLocation, ModelManager } from '../../models/manager';
import { JobWorker } from '../../workers/job-worker';
import { engineThreadWarning, type RunsIn } from '../../workers/placement';
import { Stt } from './base';
import type { SttPrepareOptions, TranscribeContext } from './base';
import { SttError } from './types';
import { UnknownModelError } from '../../models/errors';
import { errorMessage } from '../../errors';
import { runWhisperJob } from './whisper-model';
import type { WhisperJob, WhisperModelRef, WhisperResult } from './whisper-model';

export interface LocalSttConfig {
  modelId: string;
  /** `en`, … (multilingual models only; English-only models ignore it). */
  language?: string;
  manager: ModelManager;
  clock: Clock;
}

export class LocalStt extends Stt {
  readonly id = 'local';
  readonly modelId: string;
  /** Where Whisper runs: its worker thread, or the engine's when no worker could start (null until used). */
  where: RunsIn | null = null;
  /** Why it runs on the engine thread, to show beside the recognizer; null in its worker. */
  warning: string | null = null;
  readonly #config: LocalSttConfig;

  constructor(config: LocalSttConfig) {
    super(config.clock);
    this.#config = config;
    this.modelId = config.modelId;
    // Validates the id now: an unknown model is a configuration error, not a turn error.
    const recognizers = config.manager
      .list()
      .filter((m) => m.transformers?.task === 'automatic-speech-recognition' || m.moonshine !== undefined);
    if (!recognizers.some((m) => m.id === config.modelId)) {
      throw new UnknownModelError(
        config.modelId,
        recognizers.map((m) => m.id),
      );
    }
  }

  override get engineThread(): string | null {
    return this.warning;
  }

  /** "Local · whisper-base.en", marked when Whisper runs on the engine thread. */
  get label(): string {
    const where = this.where === 'in-process' ? ' · on the engine thread' : '';
    return `Local · ${this.modelId}${where}`;
  }

  /** Notes where the runner put Whisper. */
  private placed(placed: Runner): Runner {
    this.where = placed.where;
    this.warning = placed.warning;
    return placed;
  }

  /**
   * Downloads the model if needed (unless offline) and loads it, so the first utterance does not pay
   * for either. Without this, `recognize` loads a cached model on first use and never downloads.
   */
  override async prepare(options: SttPrepareOptions = {}): Promise<void> {
    const location = await this.#config.manager.ensure(this.modelId, options);
    this.placed(await runner());
    await load(location);
  }

  protected async run(audio: Float32Array, ctx: TranscribeContext): Promise<string> {
    // Offline: a turn must not stall on a 40 MB download; a missing model is a ModelMissingError.
    const location = await this.#config.manager.ensure(this.modelId, {
      offline: true,
      offlineReason: 'not in the model cache',
    });
    await load(location);
    const { run } = this.placed(await runner());
    const text = await run(
      {
        kind: 'recognize',
        model: modelRef(location),
        audio,
        english: this.modelId.endsWith('.en'),
        ...(this.#config.language ? { language: this.#config.language } : {}),
      },
      ctx.signal,
      ctx.onPartial,
    );
    return text ?? '';
  }

  override async close(): Promise<void> {
    // Shared between lanes: the pipeline stays loaded for the life of the engine.
  }
}

interface Runner {
  /** Runs a job; with a worker, rejects the moment `signal` aborts (the worker stops at the next token). */
  run: (job: WhisperJob, signal: AbortSignal, onPartial?: (text: string) => void) => Promise<WhisperResult>;
  where: RunsIn;
  warning: string | null;
}

let shared: Promise<Runner> | null = null;
/** Model folders the runner has loaded (a load error is an SttError; a recognition's is wrapped). */
const ready = new Map<string, Promise<void>>();

function runner(): Promise<Runner> {
  shared ??= (async (): Promise<Runner> => {
    try {
      const worker = await JobWorker.start<WhisperJob, WhisperResult, string>(__dirname, 'whisper-worker');
      // A worker that dies is replaced on the next recognition, and loads its models again.
      worker.onFail = () => {
        shared = null;
        ready.clear();
      };
      const run: Runner['run'] = (job, signal, onProgress) => {
        if (job.kind !== 'recognize') return worker.run(job, signal);
        // Moved, not cloned; a copy, because the caller may keep the utterance (or view a larger buffer).
        const audio = job.audio.slice();
        return worker.run({ ...job, audio }, signal, {
          transfer: [audio.buffer as ArrayBuffer],
          ...(onProgress ? { onProgress } : {}),
        });
      };
      return { run, where: 'worker', warning: null };
    } catch (err) {
      // Recognizing on this thread beats not recognizing; but the lanes' figures suffer, so it says so.
      return {
        run: (job, signal, onProgress) => runWhisperJob(job, { signal, progress: onProgress ?? (() => {}) }),
        where: 'in-process',
        warning: engineThreadWarning('Whisper', err),
      };
    }
  })();
  return shared;
}

function modelRef(location: ModelLocation): WhisperModelRef {
  return {
    id: location.entry.id,
    dir: location.dir,
    root: location.root,
    dtype: location.entry.transformers?.dtype ?? 'fp32',
    ...(location.entry.moonshine ? { moonshine: location.entry.moonshine } : {}),
  };
}

/** Loads a model folder once (shared by every lane; not cancelled by any one of them). */
function load(location: ModelLocation): Promise<void> {
  const key = location.dir;
  let model = ready.get(key);
  if (!model) {
    model = (async () => {
      const { run } = await runner();
      try {
        await run({ kind: 'load', model: modelRef(location) }, new AbortController().signal);
      } catch (err) {
        // From the worker only the message crosses; it is already the one line a presenter reads.
        if (err instanceof SttError) throw err;
        throw new SttError('failed', errorMessage(err), { cause: err });
      }
    })();
    ready.set(key, model);
    model.catch(() => ready.delete(key));
  }
  return model;
}

/** Unloads every local model (tests, engine shutdown); the worker, idle, stays for the next one. */
export async function unloadLocalStt(): Promise<void> {
  ready.clear();
  if (!shared) return;
  const { run } = await shared;
  await run({ kind: 'unload' }, new AbortController().signal).catch(() => undefined);
}

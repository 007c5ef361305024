/**
 * The model manager: is a model in the cache, and if not, fetch it — with progress, resume, retries
 * and verification — or, offline, say exactly what is missing and how to get it.
 */
import { statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DownloadNetworkError, DownloadVerifyError, downloadFile } from './download';
import { ModelMissingError, ModelVerifyError, UnknownModelError } from './errors';
import { DEFAULT_MODEL_HUB, fileUrl, MODELS, modelSizeBytes } from './registry';
import type { ModelEntry } from './registry';
import { modelHub, modelsDir, offlineFromEnv } from './paths';

type Env = Record<string, string | undefined>;

/** Download progress of one model, bytes over all its files. */
export interface ModelProgress {
  modelId: string;
  /** The file being fetched now (path inside the model folder). */
  file: string;
  /** Bytes on disk so far, all files (resumed bytes count as done). */
  bytes: number;
  /** All files, bytes. */
  total: number;
}

export interface ModelManagerOptions {
  /** `DIALTONE_DATA_DIR`, `DIALTONE_MODEL_MIRROR`, `DIALTONE_OFFLINE` (default process.env). */
  env?: Env;
  /** Known models (default the built-in registry; tests bring their own). */
  registry?: readonly ModelEntry[];
  /** Default DIALTONE_DATA_DIR-derived folder. */
  dir?: string;
  fetch?: typeof fetch;
}

export interface EnsureModelOptions {
  onProgress?: (progress: ModelProgress) => void;
  signal?: AbortSignal;
  /** Never download: a missing model is a ModelMissingError at once. Default: `DIALTONE_OFFLINE`. */
  offline?: boolean;
  /** Why a missing model is not fetched now, for the error (default "offline mode"). */
  offlineReason?: string;
  /** Extra attempts after a dropped connection, each resuming where the last stopped. Default 3. */
  retries?: number;
  /** Wait before retry n is n × this, ms. Default 1,000. */
  retryDelayMs?: number;
}

export interface ModelLocation {
  entry: ModelEntry;
  /** The model's folder: `<modelsDir>/<id>`. */
  dir: string;
  /** The cache folder holding every model. */
  root: string;
}

export interface ModelStatus extends ModelLocation {
  cached: boolean;
  /** Files not yet in place (size checked). */
  missing: string[];
  /** Bytes of the complete model. */
  sizeBytes: number;
  /** Every file has a pinned SHA-256. */
  pinned: boolean;
}

export class ModelManager {
  readonly root: string;
  private readonly env: Env;
  private readonly registry: readonly ModelEntry[];
  private readonly fetchImpl: typeof fetch | undefined;
  /**
   * One download per model folder at a time, whichever manager started it (a lane's recogniser, a
   * voice, the app's Download button): later callers join it, and `cancel` stops it for all of them.
   */
  private static readonly inFlight = new Map<string, InFlight>();

  constructor(options: ModelManagerOptions = {}) {
    this.env = options.env ?? process.env;
    this.registry = options.registry ?? MODELS;
    this.root = options.dir ?? modelsDir(this.env);
    this.fetchImpl = options.fetch;
  }

  list(): readonly ModelEntry[] {
    return this.registry;
  }

  entry(id: string): ModelEntry {
    const entry = this.registry.find((m) => m.id === id);
    if (!entry)
      throw new UnknownModelError(
        id,
        this.registry.map((m) => m.id),
      );
    return entry;
  }

  /** Every file of the model is in place (size checked), without waiting: for a `hello` sent at once. */
  cachedSync(id: string): boolean {
    const entry = this.entry(id);
    const dir = path.join(this.root, entry.id);
    return entry.files.every((file) => {
      try {
        return statSync(path.join(dir, file.path)).size === file.sizeBytes;
      } catch {
        return false;
      }
    });
  }

  async status(id: string): Promise<ModelStatus> {
    const entry = this.entry(id);
    const dir = path.join(this.root, entry.id);
    const missing: string[] = [];
    for (const file of entry.files) {
      const size = await fs.stat(path.join(dir, file.path)).then(
        (s) => s.size,
        () => -1,
      );
      if (size !== file.sizeBytes) missing.push(file.path);
    }
    return {
      entry,
      dir,
      root: this.root,
      cached: missing.length === 0,
      missing,
      sizeBytes: modelSizeBytes(entry),
      pinned: entry.files.every((f) => f.sha256 !== undefined),
    };
  }

  /**
   * The model's folder, downloading what is missing first. Throws ModelMissingError (offline, or the
   * network failed after the retries), ModelVerifyError (a file was not what the registry pins), or the
   * signal's reason when aborted; partial files stay for the next attempt except after a mismatch.
   */
  async ensure(id: string, options: EnsureModelOptions = {}): Promise<ModelLocation> {
    const status = await this.status(id);
    if (status.cached) return { entry: status.entry, dir: status.dir, root: status.root };
    if (options.offline ?? offlineFromEnv(this.env)) {
      throw new ModelMissingError(id, status.dir, options.offlineReason ?? 'offline mode');
    }
    const key = status.dir;
    const running = ModelManager.inFlight.get(key);
    if (running) {
      const listener = options.onProgress;
      if (listener) running.listeners.add(listener);
      return running.done.finally(() => listener && running.listeners.delete(listener));
    }
    const listeners = new Set<Listener>(options.onProgress ? [options.onProgress] : []);
    const cancel = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, cancel.signal]) : cancel.signal;
    const done = this.download(status, { ...options, signal }, listeners).finally(() =>
      ModelManager.inFlight.delete(key),
    );
    ModelManager.inFlight.set(key, { done, listeners, cancel });
    return done;
  }

  /**
   * Stops the model's download, if one runs: every caller's `ensure` rejects with a ModelMissingError
   * whose reason is DOWNLOAD_CANCELLED. The partial files stay, so the next download resumes.
   */
  cancel(id: string): boolean {
    const dir = path.join(this.root, this.entry(id).id);
    const running = ModelManager.inFlight.get(dir);
    running?.cancel.abort(new ModelMissingError(id, dir, DOWNLOAD_CANCELLED));
    return running !== undefined;
  }

  private async download(
    status: ModelStatus,
    options: EnsureModelOptions,
    listeners: Set<Listener>,
  ): Promise<ModelLocation> {
    const { entry, dir } = status;
    const hub = modelHub(this.env, DEFAULT_MODEL_HUB);
    const retries = options.retries ?? 3;
    const retryDelayMs = options.retryDelayMs ?? 1_000;
    const total = status.sizeBytes;
    let doneBytes = 0;
    // A report per network chunk would be thousands of UI messages: one per ~0.2 % (≥ 64 KB) and the end.
    const step = Math.max(64 * 1024, total / 500);
    let lastReported = -Infinity;
    for (const file of entry.files) {
      const dest = path.join(dir, file.path);
      if (!status.missing.includes(file.path)) {
        doneBytes += file.sizeBytes;
        continue;
      }
      const report = (bytes: number): void => {
        const sofar = doneBytes + bytes;
        if (sofar < total && sofar - lastReported < step) return;
        lastReported = sofar;
        const p: ModelProgress = { modelId: entry.id, file: file.path, bytes: sofar, total };
        for (const l of listeners) l(p);
      };
      for (let attempt = 0; ; attempt++) {
        try {
          await downloadFile(
            { url: fileUrl(entry, file, hub), dest, sizeBytes: file.sizeBytes, sha256: file.sha256 },
            { signal: options.signal, onBytes: report, fetch: this.fetchImpl },
          );
          break;
        } catch (err) {
          if (options.signal?.aborted) throw options.signal.reason ?? err;
          if (err instanceof DownloadVerifyError) {
            throw new ModelVerifyError(entry.id, file.path, `model ${entry.id}: ${err.message}`);
          }
          if (!(err instanceof DownloadNetworkError)) throw err;
          if (!err.retryable || attempt >= retries) {
            throw new ModelMissingError(entry.id, dir, err.message, { cause: err });
          }
          await sleep(retryDelayMs * (attempt + 1), options.signal);
        }
      }
      doneBytes += file.sizeBytes;
    }
    return { entry, dir, root: this.root };
  }
}

type Listener = (progress: ModelProgress) => void;

interface InFlight {
  done: Promise<ModelLocation>;
  listeners: Set<Listener>;
  cancel: AbortController;
}

/** The reason of the ModelMissingError a cancelled download ends with. */
export const DOWNLOAD_CANCELLED = 'download cancelled';

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `ensureModel(id, options)` on a manager for `env` (default process.env). */
export function ensureModel(
  id: string,
  options: EnsureModelOptions & ModelManagerOptions = {},
): Promise<ModelLocation> {
  return new ModelManager(options).ensure(id, options);
}

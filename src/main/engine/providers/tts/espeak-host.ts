/**
 * Where espeak runs. A run is synchronous WebAssembly (~20 ms for a sentence, far more for a long
 * one), and on the engine thread it would stall everything else — the other lane's tokens would be
 * stamped late and its figures would lie. So espeak runs in a worker thread; the engine thread only
 * posts text and receives PCM. Where no worker can be started (a bundle without the worker file),
 * it runs in this thread instead, and says so.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EspeakEngine, runJob } from './espeak-engine';
import type { EspeakArgs, EspeakJob, EspeakResult } from './espeak-engine';
import type { WorkerReply, WorkerRequest } from './espeak-worker';

/** Where espeak runs; each call rejects with the signal's reason the moment it aborts. */
export abstract class EspeakHost {
  /** `in-process` when no worker could be started. */
  abstract readonly where: 'worker' | 'in-process';
  protected abstract run(job: EspeakJob, signal: AbortSignal): Promise<EspeakResult>;

  /** PCM for `text`. */
  async synthesize(text: string, args: EspeakArgs, signal: AbortSignal): Promise<Int16Array> {
    return (await this.run({ kind: 'synth', text, args }, signal)) as Int16Array;
  }

  /** The IPA phonemes of each clause of `text` in an espeak voice (`en-us`, `en`). */
  async phonemize(text: string, voice: string, signal: AbortSignal): Promise<string[]> {
    return (await this.run({ kind: 'ipa', text, voice }, signal)) as string[];
  }
}

class WorkerHost extends EspeakHost {
  readonly where = 'worker';
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (result: EspeakResult) => void; reject: (err: Error) => void }
  >();

  private constructor(private readonly worker: Worker) {
    super();
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type !== 'done' && msg.type !== 'error') return;
      const job = this.pending.get(msg.id);
      if (!job) return; // aborted meanwhile
      this.forget(msg.id);
      if (msg.type === 'done') job.resolve(msg.result);
      else job.reject(new Error(msg.message));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => this.failAll(new Error('the espeak worker stopped')));
    // An idle worker must not keep the process alive.
    worker.unref();
  }

  static start(entry: NonNullable<ReturnType<typeof workerEntry>>): Promise<WorkerHost> {
    return new Promise((resolve, reject) => {
      const worker = entry.eval ? new Worker(entry.code, { eval: true }) : new Worker(entry.file);
      const onMessage = (msg: WorkerReply): void => {
        if (msg.type === 'ready') {
          cleanup();
          resolve(new WorkerHost(worker));
        } else if (msg.type === 'init-error') {
          cleanup();
          void worker.terminate();
          reject(new Error(msg.message));
        }
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new Error(`the espeak worker exited (${code}) before it was ready`));
      };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  protected run(job: EspeakJob, signal: AbortSignal): Promise<EspeakResult> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError(signal));
        return;
      }
      const id = this.nextId++;
      const onAbort = (): void => {
        this.forget(id);
        this.worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (this.pending.size === 0) this.worker.ref(); // keep the process alive while we wait
      this.pending.set(id, {
        resolve: (result) => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
        reject: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      });
      this.worker.postMessage({ type: 'run', id, job } satisfies WorkerRequest);
    });
  }

  private forget(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  private failAll(err: Error): void {
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
    shared = null; // the next synthesis starts a fresh worker
  }
}

class InProcessHost extends EspeakHost {
  readonly where = 'in-process';
  constructor(private readonly engine: EspeakEngine) {
    super();
  }

  protected async run(job: EspeakJob, signal: AbortSignal): Promise<EspeakResult> {
    if (signal.aborted) throw abortError(signal);
    return runJob(this.engine, job);
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * How to start the worker: from TypeScript source (tsx, vitest) a small CommonJS bootstrap registers
 * tsx in the worker first (`--import` in a worker's execArgv does not reach its loader on Node 20);
 * from a build, the compiled espeak-worker.js next to this file. Null when neither exists.
 */
function workerEntry(): { code: string; eval: true } | { file: string; eval: false } | null {
  const ts = join(__dirname, 'espeak-worker.ts');
  const js = join(__dirname, 'espeak-worker.js');
  if (__filename.endsWith('.ts') && existsSync(ts)) {
    const tsx = createRequire(__filename).resolve('tsx/cjs/api');
    return {
      code: `require(${JSON.stringify(tsx)}).register();\nrequire(${JSON.stringify(ts)});`,
      eval: true,
    };
  }
  if (existsSync(js)) return { file: js, eval: false };
  return null;
}

let shared: Promise<EspeakHost> | null = null;

/** The process's one espeak host, started on first use. */
export function espeakHost(): Promise<EspeakHost> {
  shared ??= (async (): Promise<EspeakHost> => {
    const entry = workerEntry();
    if (entry && process.env.DIALTONE_ESPEAK_IN_PROCESS !== '1') {
      try {
        return await WorkerHost.start(entry);
      } catch (err) {
        if (process.env.DIALTONE_DEBUG) console.error(err);
        // Fall through: speaking from this thread beats not speaking.
      }
    }
    return new InProcessHost(await EspeakEngine.create());
  })().catch((err: unknown) => {
    shared = null;
    throw err;
  });
  return shared;
}

/**
 * A worker thread that serves jobs one at a time, seen from the engine thread.
 *
 * Speech engines run synchronous code for tens of milliseconds to seconds per call — espeak-ng's
 * WebAssembly, an onnxruntime-node session (whose `run` executes on the calling thread: Kokoro, Whisper). On the engine
 * thread that would stall everything else: tokens would be stamped late, audio frames would stop, and
 * the other lane's figures would lie. So they run in worker threads (`serveJobs` in job-server.ts),
 * and the engine thread only posts jobs and receives results.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export type JobRequest<Job> = { type: 'run'; id: number; job: Job } | { type: 'cancel'; id: number };

export type JobReply<Result, Progress = unknown> =
  | { type: 'ready' }
  | { type: 'init-error'; message: string }
  | { type: 'done'; id: number; result: Result }
  | { type: 'error'; id: number; message: string }
  /** Something the running job has so far (a partial transcript); any number before its answer. */
  | { type: 'progress'; id: number; value: Progress }
  /** A queued job dropped on cancel, before it started. */
  | { type: 'cancelled'; id: number };

/** What `run` may take beside the job. */
export interface RunOptions<Progress> {
  /** Buffers of the job to move to the worker rather than copy (they are detached here). */
  transfer?: ArrayBuffer[];
  /** The job's progress, in order, before it resolves; never called once `signal` has aborted. */
  onProgress?: (value: Progress) => void;
}

export class JobWorker<Job, Result, Progress = unknown> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    {
      resolve: (r: Result) => void;
      reject: (err: Error) => void;
      onProgress: ((value: Progress) => void) | undefined;
    }
  >();
  /**
   * Jobs posted and not yet answered, aborted ones included: a started job stops at best when its
   * handler next checks its signal (a native call runs to its end), and a process that exits under it
   * crashes; so the worker keeps the process alive until its last job is answered.
   */
  private readonly unanswered = new Set<number>();
  private failure: Error | null = null;
  /** Called once when the worker dies (crash, exit, terminate): its owner starts a new one next time. */
  onFail: ((err: Error) => void) | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly name: string,
  ) {
    worker.on('message', (msg: JobReply<Result, Progress>) => {
      if (msg.type === 'progress') {
        const job = this.pending.get(msg.id);
        try {
          job?.onProgress?.(msg.value);
        } catch (err) {
          // A listener that throws fails its job, not the engine (this is an event handler).
          this.cancel(msg.id);
          job?.reject(err instanceof Error ? err : new Error(String(err)));
        }
        return;
      }
      if (msg.type !== 'done' && msg.type !== 'error' && msg.type !== 'cancelled') return;
      this.unanswered.delete(msg.id);
      if (this.unanswered.size === 0) this.worker.unref();
      const job = this.pending.get(msg.id);
      if (!job) return; // aborted meanwhile
      this.pending.delete(msg.id);
      if (msg.type === 'done') job.resolve(msg.result);
      else job.reject(new Error(msg.type === 'error' ? msg.message : 'cancelled'));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => this.failAll(new Error(`the ${name} worker stopped`)));
    // An idle worker must not keep the process alive.
    worker.unref();
  }

  /**
   * Starts `<name>.ts` (from source, under tsx or vitest) or `<name>.js` (a build) found in `dir`, and
   * waits until it says it is ready. Rejects when there is no such file or it fails to start.
   */
  static start<Job, Result, Progress = unknown>(
    dir: string,
    name: string,
  ): Promise<JobWorker<Job, Result, Progress>> {
    const entry = workerEntry(dir, name);
    if (!entry) return Promise.reject(new Error(`no ${name} next to ${dir}`));
    return new Promise((resolve, reject) => {
      const worker = entry.eval ? new Worker(entry.code, { eval: true }) : new Worker(entry.file);
      const onMessage = (msg: JobReply<Result, Progress>): void => {
        if (msg.type === 'ready') {
          cleanup();
          resolve(new JobWorker<Job, Result, Progress>(worker, name));
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
        reject(new Error(`the ${name} worker exited (${code}) before it was ready`));
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

  /** False once the worker has died; start a new one. */
  get alive(): boolean {
    return this.failure === null;
  }

  /**
   * Runs a job; rejects with the signal's reason the moment it aborts (a queued job is dropped, a
   * running one has its `ctx.signal` aborted in the worker).
   */
  run(job: Job, signal: AbortSignal, options: RunOptions<Progress> = {}): Promise<Result> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      if (signal.aborted) {
        reject(abortError(signal));
        return;
      }
      const id = this.nextId++;
      const onAbort = (): void => {
        this.cancel(id);
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (this.unanswered.size === 0) this.worker.ref();
      this.unanswered.add(id);
      this.pending.set(id, {
        resolve: (result) => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
        reject: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
        onProgress: options.onProgress,
      });
      this.worker.postMessage({ type: 'run', id, job } satisfies JobRequest<Job>, options.transfer ?? []);
    });
  }

  /** Forgets a job and tells the worker: dropped if queued, its `ctx.signal` aborted if running. */
  private cancel(id: number): void {
    this.pending.delete(id);
    this.worker.postMessage({ type: 'cancel', id } satisfies JobRequest<Job>);
  }

  async terminate(): Promise<void> {
    this.failAll(new Error(`the ${this.name} worker was stopped`));
    await this.worker.terminate();
  }

  private failAll(err: Error): void {
    if (!this.failure) {
      this.failure = err;
      this.onFail?.(err);
    }
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
    this.unanswered.clear();
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * How to start a worker: from TypeScript source (tsx, vitest) a small CommonJS bootstrap registers
 * tsx in the worker first (`--import` in a worker's execArgv does not reach its loader on Node 20);
 * from a build, the compiled `<name>.js` next to the engine. Null when neither exists.
 */
function workerEntry(
  dir: string,
  name: string,
): { code: string; eval: true } | { file: string; eval: false } | null {
  const ts = join(dir, `${name}.ts`);
  const js = join(dir, `${name}.js`);
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

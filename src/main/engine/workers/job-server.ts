/**
 * Inside a worker thread: serve jobs from the engine thread one at a time (job-worker.ts is the other
 * side). Jobs queue here rather than in the port, so a cancel that arrives before its job started
 * removes it; a cancel for the running job aborts its `signal`, which a handler that works in steps
 * (Whisper, token by token) checks between them; one that cannot stop runs to its end (its result is
 * dropped by the engine thread).
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../../shared/error-message';
import type { JobReply, JobRequest } from './job-worker';

/** What a handler gets beside its job. */
export interface JobContext<Progress = unknown> {
  /** Aborted when the engine thread cancels this job while it runs. */
  signal: AbortSignal;
  /** Sends an intermediate value (a partial transcript) to the job's `onProgress`. */
  progress: (value: Progress) => void;
}

export type JobHandler<Job, Result, Progress = unknown> = (
  job: Job,
  ctx: JobContext<Progress>,
) => Result | Promise<Result>;

/**
 * `init` loads what every job needs (a WebAssembly instance, a model cache) and returns the handler;
 * `transferOf` names the buffers of a result to move rather than copy.
 */
export function serveJobs<Job, Result, Progress = unknown>(
  init: () => Promise<JobHandler<Job, Result, Progress>>,
  transferOf: (result: Result) => ArrayBuffer[] = () => [],
): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread');
  const queue: Extract<JobRequest<Job>, { type: 'run' }>[] = [];
  let handle: JobHandler<Job, Result, Progress> | null = null;
  let busy = false;
  let running: { id: number; abort: AbortController } | null = null;

  const pump = async (): Promise<void> => {
    const next = queue.shift();
    if (!next || !handle) {
      busy = false;
      return;
    }
    const abort = new AbortController();
    running = { id: next.id, abort };
    const progress = (value: Progress): void => {
      // Nobody listens for an aborted job's progress.
      if (abort.signal.aborted) return;
      port.postMessage({ type: 'progress', id: next.id, value } satisfies JobReply<Result, Progress>);
    };
    try {
      const result = await handle(next.job, { signal: abort.signal, progress });
      port.postMessage({ type: 'done', id: next.id, result } satisfies JobReply<Result>, transferOf(result));
    } catch (err) {
      const message = errorMessage(err);
      port.postMessage({ type: 'error', id: next.id, message } satisfies JobReply<Result>);
    }
    running = null;
    // Yield between jobs so cancels that arrived meanwhile are read first.
    setImmediate(() => void pump());
  };
  const schedule = (): void => {
    if (busy || queue.length === 0 || !handle) return;
    busy = true;
    setImmediate(() => void pump());
  };

  port.on('message', (msg: JobRequest<Job>) => {
    if (msg.type === 'run') queue.push(msg);
    else if (running?.id === msg.id) running.abort.abort(new Error('cancelled'));
    else {
      const at = queue.findIndex((j) => j.id === msg.id);
      if (at >= 0) {
        queue.splice(at, 1);
        port.postMessage({ type: 'cancelled', id: msg.id } satisfies JobReply<Result>);
      }
    }
    schedule();
  });

  init().then(
    (h) => {
      handle = h;
      port.postMessage({ type: 'ready' } satisfies JobReply<Result>);
      schedule();
    },
    (err: unknown) => {
      const message = errorMessage(err);
      port.postMessage({ type: 'init-error', message } satisfies JobReply<Result>);
    },
  );
}

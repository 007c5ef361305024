/**
 * Inside a worker thread: serve jobs from the engine thread one at a time (job-worker.ts is the other
 * side). Jobs queue here rather than in the port, so a cancel that arrives before its job started
 * removes it; a job that has started runs to its end (its result is dropped by the engine thread).
 */
import { parentPort } from 'node:worker_threads';
import type { JobReply, JobRequest } from './job-worker';

/**
 * `init` loads what every job needs (a WebAssembly instance, a model cache) and returns the handler;
 * `transferOf` names the buffers of a result to move rather than copy.
 */
export function serveJobs<Job, Result>(
  init: () => Promise<(job: Job) => Result | Promise<Result>>,
  transferOf: (result: Result) => ArrayBuffer[] = () => [],
): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread');
  const queue: Extract<JobRequest<Job>, { type: 'run' }>[] = [];
  let handle: ((job: Job) => Result | Promise<Result>) | null = null;
  let busy = false;

  const pump = async (): Promise<void> => {
    const next = queue.shift();
    if (!next || !handle) {
      busy = false;
      return;
    }
    try {
      const result = await handle(next.job);
      port.postMessage({ type: 'done', id: next.id, result } satisfies JobReply<Result>, transferOf(result));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      port.postMessage({ type: 'error', id: next.id, message } satisfies JobReply<Result>);
    }
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
      const message = err instanceof Error ? err.message : String(err);
      port.postMessage({ type: 'init-error', message } satisfies JobReply<Result>);
    },
  );
}

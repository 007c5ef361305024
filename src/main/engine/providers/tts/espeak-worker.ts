/**
 * The espeak-ng worker thread: one warm engine (espeak-engine.ts), requests served one at a time.
 * Requests queue here rather than in the port, so a cancel that arrives before its request started
 * removes it (each run blocks this thread for ~20 ms; the engine thread never waits on it).
 */
import { parentPort } from 'node:worker_threads';
import { EspeakEngine, runJob } from './espeak-engine';
import type { EspeakJob, EspeakResult } from './espeak-engine';

export type WorkerRequest = { type: 'run'; id: number; job: EspeakJob } | { type: 'cancel'; id: number };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; message: string }
  | { type: 'done'; id: number; result: EspeakResult }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (port) {
  const queue: Extract<WorkerRequest, { type: 'run' }>[] = [];
  let engine: EspeakEngine | null = null;
  let pumping = false;

  const pump = (): void => {
    pumping = false;
    const job = queue.shift();
    if (!job || !engine) return;
    try {
      const result = runJob(engine, job.job);
      const transfer = result instanceof Int16Array ? [result.buffer as ArrayBuffer] : [];
      port.postMessage({ type: 'done', id: job.id, result } satisfies WorkerReply, transfer);
    } catch (err) {
      port.postMessage({
        type: 'error',
        id: job.id,
        message: err instanceof Error ? err.message : String(err),
      } satisfies WorkerReply);
    }
    schedule();
  };
  const schedule = (): void => {
    if (pumping || queue.length === 0 || !engine) return;
    pumping = true;
    setImmediate(pump);
  };

  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'run') queue.push(msg);
    else {
      const at = queue.findIndex((j) => j.id === msg.id);
      if (at >= 0) queue.splice(at, 1);
    }
    schedule();
  });

  EspeakEngine.create().then(
    (e) => {
      engine = e;
      port.postMessage({ type: 'ready' } satisfies WorkerReply);
      schedule();
    },
    (err: unknown) => {
      port.postMessage({
        type: 'init-error',
        message: err instanceof Error ? err.message : String(err),
      } satisfies WorkerReply);
    },
  );
}

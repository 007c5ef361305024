/**
 * The worker-thread job pair (workers/job-worker.ts, job-server.ts) with a small worker written here:
 * progress reaches the caller in order, cancelling a running job aborts the handler's signal while
 * the caller's promise rejects without waiting for it, and a queued job cancelled is never run.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../../src/main/engine/workers/job-worker';

type Job =
  | { kind: 'count'; n: number }
  /** Runs until cancelled: reports `started`, then waits for its signal. */
  | { kind: 'wait'; tag: string }
  /** What the worker has seen: tags of jobs that started, and of those whose signal aborted. */
  | { kind: 'log' };
type Result = string | { started: string[]; aborted: string[] };

const SERVER = path.resolve(__dirname, '../../src/main/engine/workers/job-server.ts');
const WORKER_SOURCE = `
import { serveJobs } from ${JSON.stringify(SERVER)};
const started: string[] = [];
const aborted: string[] = [];
serveJobs<any, unknown, string>(async () => async (job, ctx) => {
  if (job.kind === 'count') {
    for (let i = 1; i <= job.n; i++) ctx.progress(String(i));
    return 'counted';
  }
  if (job.kind === 'log') return { started, aborted };
  started.push(job.tag);
  ctx.progress('started');
  await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
  aborted.push(job.tag);
  ctx.progress('too late');
  throw new Error('stopped');
});
`;

let dir: string;
let worker: JobWorker<Job, Result, string>;
const never = new AbortController().signal;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-jobs-'));
  await fs.writeFile(path.join(dir, 'test-worker.ts'), WORKER_SOURCE);
  worker = await JobWorker.start<Job, Result, string>(dir, 'test-worker');
}, 30_000);

afterAll(async () => {
  await worker?.terminate();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('job pair', () => {
  it('hands every progress value to onProgress, in order, before the result', async () => {
    const seen: string[] = [];
    const result = await worker.run({ kind: 'count', n: 3 }, never, {
      onProgress: (v) => seen.push(v),
    });
    expect(result).toBe('counted');
    expect(seen).toEqual(['1', '2', '3']);
    // Existing callers pass no options.
    expect(await worker.run({ kind: 'count', n: 1 }, never)).toBe('counted');
  });

  it('cancelling a running job aborts its signal in the worker and rejects the caller at once', async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    // The job never ends by itself: the promise can only settle through the abort.
    const running = worker.run({ kind: 'wait', tag: 'a' }, ac.signal, {
      onProgress: (v) => {
        seen.push(v);
        ac.abort(new Error('barge-in'));
      },
    });
    await expect(running).rejects.toThrow('barge-in');
    // Jobs run one at a time, so this answers only once the handler has seen its signal abort.
    expect(await worker.run({ kind: 'log' }, never)).toEqual({ started: ['a'], aborted: ['a'] });
    // What the job reported after its abort never reached the caller.
    expect(seen).toEqual(['started']);
  });

  it('a queued job cancelled before it starts is dropped, never run', async () => {
    const first = new AbortController();
    const queued = new AbortController();
    const a = worker.run({ kind: 'wait', tag: 'b' }, first.signal, {
      onProgress: () => queued.abort(new Error('not wanted')),
    });
    const b = worker.run({ kind: 'wait', tag: 'c' }, queued.signal);
    await expect(b).rejects.toThrow('not wanted');
    first.abort(new Error('done waiting'));
    await expect(a).rejects.toThrow('done waiting');
    const log = (await worker.run({ kind: 'log' }, never)) as { started: string[] };
    expect(log.started).toEqual(['a', 'b']);
  });

  it('an onProgress that throws fails its job (not the engine) and aborts the handler', async () => {
    const failing = worker.run({ kind: 'wait', tag: 'd' }, never, {
      onProgress: () => {
        throw new Error('listener broke');
      },
    });
    await expect(failing).rejects.toThrow('listener broke');
    expect(await worker.run({ kind: 'log' }, never)).toMatchObject({ aborted: ['a', 'b', 'd'] });
  });
});

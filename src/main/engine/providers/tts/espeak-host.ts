/**
 * Where espeak runs. A run is synchronous WebAssembly (~20 ms for a sentence, far more for a long
 * one), and on the engine thread it would stall everything else — the other lane's tokens would be
 * stamped late and its figures would lie. So espeak runs in a worker thread; the engine thread only
 * posts text and receives PCM. Where no worker can be started (a bundle without the worker file),
 * it runs in this thread instead, and says so.
 */
import { EspeakEngine, runJob } from './espeak-engine';
import type { EspeakArgs, EspeakJob, EspeakResult } from './espeak-engine';
import { JobWorker } from '../../workers/job-worker';
import { engineThreadWarning } from '../../workers/placement';

/** Where espeak runs; each call rejects with the signal's reason the moment it aborts. */
export abstract class EspeakHost {
  /** `in-process` when no worker could be started. */
  abstract readonly where: 'worker' | 'in-process';
  /** Why espeak runs on the engine thread, to show beside the voice; null in its worker. */
  readonly warning: string | null = null;
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
  constructor(readonly worker: JobWorker<EspeakJob, EspeakResult>) {
    super();
  }

  protected run(job: EspeakJob, signal: AbortSignal): Promise<EspeakResult> {
    return this.worker.run(job, signal);
  }
}

class InProcessHost extends EspeakHost {
  readonly where = 'in-process';
  constructor(
    private readonly engine: EspeakEngine,
    override readonly warning: string | null,
  ) {
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

let shared: Promise<EspeakHost> | null = null;

/** The process's one espeak host, started on first use. */
export function espeakHost(): Promise<EspeakHost> {
  shared ??= (async (): Promise<EspeakHost> => {
    let warning: string | null = null;
    if (process.env.DIALTONE_ESPEAK_IN_PROCESS !== '1') {
      try {
        const worker = await JobWorker.start<EspeakJob, EspeakResult>(__dirname, 'espeak-worker');
        // A worker that dies later is replaced on the next synthesis.
        worker.onFail = () => (shared = null);
        return new WorkerHost(worker);
      } catch (err) {
        // Fall through: speaking from this thread beats not speaking; but the lanes' figures suffer.
        warning = engineThreadWarning('espeak', err);
      }
    }
    return new InProcessHost(await EspeakEngine.create(), warning);
  })().catch((err: unknown) => {
    shared = null;
    throw err;
  });
  return shared;
}

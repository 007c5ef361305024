/**
 * Where Kokoro runs: a worker thread (an inference blocks its thread for a second or more on two
 * cores; on the engine thread the other lane's tokens and every audio frame would wait). The engine
 * thread keeps the vocabulary and tokenizes; the worker holds the sessions. Where no worker can be
 * started (a bundle without the worker file), it runs in this thread instead, and says so.
 */
import { JobWorker } from '../../workers/job-worker';
import { engineThreadWarning, type RunsIn } from '../../workers/placement';
import { runKokoroJob, tokenize } from './kokoro-model';
import type { KokoroJob, KokoroModelFiles, KokoroResult } from './kokoro-model';

/** One model, ready to speak with one voice. */
export interface KokoroHandle {
  tokenize(phonemes: string): number[];
  /** 24 kHz samples for ≤ KOKORO_MAX_PHONEMES ids; rejects at once when `signal` aborts. */
  generate(ids: number[], speed: number, signal: AbortSignal): Promise<Float32Array>;
  /** Where the model runs. */
  readonly where: RunsIn;
  /** Why it runs on the engine thread, to show beside the voice; null in its worker. */
  readonly warning: string | null;
}

interface Runner {
  run: (job: KokoroJob, signal: AbortSignal) => Promise<KokoroResult>;
  where: RunsIn;
  warning: string | null;
}

let shared: Promise<Runner> | null = null;

function runner(): Promise<Runner> {
  shared ??= (async (): Promise<Runner> => {
    try {
      const worker = await JobWorker.start<KokoroJob, KokoroResult>(__dirname, 'kokoro-worker');
      worker.onFail = () => (shared = null);
      return { run: (job, signal) => worker.run(job, signal), where: 'worker', warning: null };
    } catch (err) {
      // Speaking from this thread beats not speaking; but the lanes' figures suffer, so it says so.
      return {
        run: (job) => runKokoroJob(job),
        where: 'in-process',
        warning: engineThreadWarning('Kokoro', err),
      };
    }
  })();
  return shared;
}

/** Loads the model and the voice (in the worker) and returns what speaks with them. */
export async function openKokoro(
  files: KokoroModelFiles,
  voice: string,
  signal: AbortSignal = new AbortController().signal,
): Promise<KokoroHandle> {
  const { run, where, warning } = await runner();
  const opened = (await run({ kind: 'open', files, voice }, signal)) as { vocab: [string, number][] };
  const vocab = new Map(opened.vocab);
  return {
    tokenize: (phonemes) => tokenize(vocab, phonemes),
    generate: async (ids, speed, sig) =>
      (await (await runner()).run({ kind: 'generate', files, voice, speed, ids }, sig)) as Float32Array,
    where,
    warning,
  };
}

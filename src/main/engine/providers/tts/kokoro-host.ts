/**
 * Where Kokoro runs: a worker thread (an inference blocks its thread for a second or more on two
 * cores; on the engine thread the other lane's tokens and every audio frame would wait). The engine
 * thread keeps the vocabulary and tokenizes; the worker holds the sessions. Where no worker can be
 * started (a bundle without the worker file), it runs in this thread instead.
 */
import { JobWorker } from '../../workers/job-worker';
import { runKokoroJob, tokenize } from './kokoro-model';
import type { KokoroJob, KokoroModelFiles, KokoroResult } from './kokoro-model';

/** One model, ready to speak with one voice. */
export interface KokoroHandle {
  tokenize(phonemes: string): number[];
  /** 24 kHz samples for ≤ KOKORO_MAX_PHONEMES ids; rejects at once when `signal` aborts. */
  generate(ids: number[], speed: number, signal: AbortSignal): Promise<Float32Array>;
}

type Run = (job: KokoroJob, signal: AbortSignal) => Promise<KokoroResult>;

let shared: Promise<Run> | null = null;

function runner(): Promise<Run> {
  shared ??= (async (): Promise<Run> => {
    try {
      const worker = await JobWorker.start<KokoroJob, KokoroResult>(__dirname, 'kokoro-worker');
      worker.onFail = () => (shared = null);
      return (job, signal) => worker.run(job, signal);
    } catch (err) {
      if (process.env.DIALTONE_DEBUG) console.error(err);
      return (job) => runKokoroJob(job);
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
  const run = await runner();
  const opened = (await run({ kind: 'open', files, voice }, signal)) as { vocab: [string, number][] };
  const vocab = new Map(opened.vocab);
  return {
    tokenize: (phonemes) => tokenize(vocab, phonemes),
    generate: async (ids, speed, sig) =>
      (await (
        await runner()
      )({ kind: 'generate', files, voice, speed, ids }, sig)) as Float32Array,
  };
}

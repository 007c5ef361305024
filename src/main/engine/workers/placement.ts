/**
 * Where a speech engine runs: its own worker thread, or — when no worker can start (a bundle without
 * the worker file, a worker that fails to load) — the engine's own thread. There each synthesis or
 * recognition blocks the thread that stamps every lane's tokens and sends every audio frame, so the
 * timelines shown run late and a side-by-side comparison lies. That must never happen silently.
 */
import { errorMessage } from '../errors';

export type RunsIn = 'worker' | 'in-process';

/** Speech engines already reported on the engine's log (each is said once per process). */
const reported = new Set<string>();

/**
 * The one-line warning that `engine` (`Kokoro`, `Whisper`, `espeak`) fell back to the engine thread
 * because its worker did not start with `err`; written to the engine's log the first time.
 */
export function engineThreadWarning(engine: string, err: unknown): string {
  const why = errorMessage(err).split('\n')[0];
  const warning =
    `${engine} runs on the engine thread: its worker did not start (${why}); ` +
    `while it runs, every lane's timings are late`;
  if (!reported.has(engine)) {
    reported.add(engine);
    console.warn(`Dialtone: ${warning}`);
  }
  return warning;
}

/**
 * The end of a turn's audio as the listener heard it. A player (a renderer, the virtual speaker)
 * reports it; without one (no window connected, audio not enabled) the turn assumes its audio played
 * in real time from its first frame, so a lane never hangs on a missing report.
 */
import type { Clock } from './clock';
import type { PlaybackReport } from './turn-plan';

/** How long after the end of its audio a turn waits for a player's report before assuming it played. */
export const PLAYBACK_GRACE_MS = 1_500;
/** How long an interrupted turn waits for the player to say how much it played. */
export const FLUSH_REPORT_WAIT_MS = 500;

export interface PlaybackWatch {
  clock: Clock;
  /** The turn's abort: a cancelled turn stops waiting for its audio's end (but briefly for the report). */
  signal: AbortSignal;
  /** When the turn's first audio went to the players, engine clock. */
  firstAudioAtMs: number;
  /** The turn's audio so far, ms. */
  totalAudioMs: () => number;
  /** When a player said the first sample became audible (engine clock), if one has. */
  audibleAtMs: () => number | null;
  /** The player's report, once it arrived. */
  report: () => PlaybackReport | null;
  /** Settles when the report arrives. */
  reported: Promise<void>;
}

export async function waitForPlayback(w: PlaybackWatch): Promise<PlaybackReport> {
  const { clock, signal } = w;
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // Every timer is cleared once its race is decided: a turn that ended early (cancelled, reported) must
  // not leave a timer of up to its whole audio's length keeping the process alive (Ctrl+C on `web`).
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const untilAtMs = (atMs: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          resolve();
        },
        Math.max(0, atMs - clock.now()),
      );
      timers.add(timer);
    });
  const clearTimers = (): void => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };

  // The deadline moves with what is known: audio playing from when it became audible, if a player said so.
  const deadlineAtMs = (): number =>
    (w.audibleAtMs() ?? w.firstAudioAtMs) + w.totalAudioMs() + PLAYBACK_GRACE_MS;
  while (!w.report() && !signal.aborted && clock.now() < deadlineAtMs()) {
    await Promise.race([w.reported, aborted, untilAtMs(deadlineAtMs())]);
    clearTimers();
  }
  if (signal.aborted && !w.report()) {
    await Promise.race([w.reported, untilAtMs(clock.now() + FLUSH_REPORT_WAIT_MS)]);
    clearTimers();
  }
  const report = w.report();
  if (report) return report;
  const nowAtMs = clock.now();
  const audibleAtMs = w.audibleAtMs();
  const playedMs = signal.aborted
    ? Math.min(w.totalAudioMs(), audibleAtMs === null ? 0 : nowAtMs - audibleAtMs)
    : w.totalAudioMs();
  return { playedMs, endedAtMs: nowAtMs, interrupted: signal.aborted };
}

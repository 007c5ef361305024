/**
 * Token pacing for the simulated backend. Each token has an absolute due time on the clock; a timer
 * wakes, hands over everything that is due, and sleeps until the next due time. Sleeping per token
 * would drift (every timer fires late) and cannot go faster than ~1,000 tok/s; absolute due times keep
 * the long-run rate exact from 5 to 20,000+ tok/s, with bursts at high rates as on a real server.
 */
import type { Clock } from '../clock';
import { hashUnit } from './random';

export interface ScheduleOptions {
  /** Clock time the request started generating, ms. */
  startMs: number;
  /** Delay from start to the first token, ms. */
  ttftMs: number;
  /** Decode rate, tokens per second. */
  tps: number;
  /** Number of tokens to schedule. */
  count: number;
  /** Relative jitter, 0–1: the first-token delay varies by up to ±jitter/2 of itself, each gap by up to ±jitter of itself. */
  jitter: number;
  seed: number;
}

export interface Schedule {
  readonly count: number;
  /**
   * Due time of token `i`, clock ms. Defined for any i ≥ 0 (for i = 0 it is the first-token time even
   * when count is 0). Non-decreasing in i.
   */
  dueMs(i: number): number;
}

/**
 * Token i is due at first + i/tps. Jitter moves each due time by a bounded, seeded offset of at most
 * half a gap, so gaps vary between (1 - jitter) and (1 + jitter) times the mean but the rate over any
 * long stretch stays exactly tps, and the order of tokens never changes.
 */
export function makeSchedule(o: ScheduleOptions): Schedule {
  const gapMs = 1000 / o.tps;
  const firstMs = o.startMs + o.ttftMs * (1 + o.jitter * (hashUnit(o.seed, -1) - 0.5));
  return {
    count: o.count,
    dueMs: (i) => firstMs + i * gapMs + (i > 0 ? o.jitter * gapMs * (hashUnit(o.seed, i) - 0.5) : 0),
  };
}

/**
 * Called on each wake with the tokens newly due, [from, to), and the clock time of the wake. `to ===
 * count` means the stream is complete (when count is 0 this is one call with from = to = 0 at the
 * first-token time). Return false to stop early (faults, disconnects).
 */
export type PaceStep = (from: number, to: number, nowMs: number) => boolean;

export interface Pacer {
  /** Stops the pacer; no step is called afterwards. Idempotent. */
  cancel(): void;
}

/** Runs the schedule against the clock. The first check happens synchronously (TTFT 0 sends at once). */
export function pace(schedule: Schedule, clock: Clock, step: PaceStep): Pacer {
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const wake = (): void => {
    timer = undefined;
    if (stopped) return;
    const now = clock.now();
    const from = next;
    while (next < schedule.count && schedule.dueMs(next) <= now) next++;
    const done = schedule.count === 0 ? now >= schedule.dueMs(0) : next === schedule.count;
    if ((next > from || done) && (!step(from, next, now) || done)) {
      stopped = true;
      return;
    }
    // Timers fire at ms granularity and late, never early by more than the loop's cached time:
    // sleep at least 1 ms and let the next wake send whatever has come due meanwhile.
    const waitMs = schedule.dueMs(next) - clock.now();
    timer = setTimeout(wake, Math.max(1, Math.ceil(waitMs)));
  };

  wake();
  return {
    cancel() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

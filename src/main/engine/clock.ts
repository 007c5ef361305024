/**
 * The engine's one clock: monotonic milliseconds. Every latency figure is a difference of two
 * readings of the same Clock; wall-clock time (Date.now) never enters a latency number.
 */
export interface Clock {
  /** Monotonic milliseconds (fractional). */
  now(): number;
}

/** performance.now(): monotonic, sub-millisecond, shared by everything in this process. */
export const systemClock: Clock = { now: () => performance.now() };

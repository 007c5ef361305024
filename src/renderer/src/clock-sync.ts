/**
 * Clock sync with the engine by ping/pong. The engine answers each ping with its clock; the sample
 * with the smallest round trip in a burst bounds the error best (the reply was stamped somewhere
 * inside that round trip), so each burst keeps only that one.
 */

/** How the renderer's clock (`performance.now()`) maps to the engine's: engineMs ≈ localMs + offsetMs. */
export interface ClockSync {
  /** Engine clock minus local clock, ms. */
  offsetMs: number;
  /** Half the round trip of the sample used: the true offset lies within ± this, ms. */
  boundMs: number;
  /** Local time the sample was taken, ms. */
  sampledAtMs: number;
  /** Samples in the burst that produced it (1 for the provisional estimate from `hello`). */
  samples: number;
}

export interface PongSample {
  /** Local time the ping was sent. */
  sentMs: number;
  /** Local time the pong arrived. */
  receivedMs: number;
  /** Engine time in the pong. */
  engineMs: number;
}

/** The best estimate a burst of samples gives: the min-RTT sample, engine stamp assumed mid-flight. */
export function bestOfBurst(samples: readonly PongSample[]): ClockSync | null {
  let best: PongSample | null = null;
  for (const s of samples) {
    if (best === null || s.receivedMs - s.sentMs < best.receivedMs - best.sentMs) best = s;
  }
  if (best === null) return null;
  const rttMs = best.receivedMs - best.sentMs;
  return {
    offsetMs: best.engineMs - (best.sentMs + best.receivedMs) / 2,
    boundMs: rttMs / 2,
    sampledAtMs: best.receivedMs,
    samples: samples.length,
  };
}

/**
 * A first estimate from the engine's `hello` before any pong: the engine stamped it at most one
 * socket trip ago, which we cannot measure, so the bound is unknown (Infinity).
 */
export function provisionalSync(engineMs: number, receivedMs: number): ClockSync {
  return { offsetMs: engineMs - receivedMs, boundMs: Infinity, sampledAtMs: receivedMs, samples: 1 };
}

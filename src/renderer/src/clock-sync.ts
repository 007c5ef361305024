/**
 * Clock sync with the engine by ping/pong. The engine answers each ping with its clock; the sample
 * with the smallest round trip in a burst bounds the error best (the reply was stamped somewhere
 * inside that round trip), so each burst keeps only that one.
 */

/** How the renderer's clock (`performance.now()`) maps to the engine's: engineAtMs ≈ localAtMs + offsetMs. */
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
  sentAtMs: number;
  /** Local time the pong arrived. */
  receivedAtMs: number;
  /** Engine time in the pong. */
  engineAtMs: number;
}

/** The best estimate a burst of samples gives: the min-RTT sample, engine stamp assumed mid-flight. */
export function bestOfBurst(samples: readonly PongSample[]): ClockSync | null {
  let best: PongSample | null = null;
  for (const s of samples) {
    if (best === null || s.receivedAtMs - s.sentAtMs < best.receivedAtMs - best.sentAtMs) best = s;
  }
  if (best === null) return null;
  const rttMs = best.receivedAtMs - best.sentAtMs;
  return {
    offsetMs: best.engineAtMs - (best.sentAtMs + best.receivedAtMs) / 2,
    boundMs: rttMs / 2,
    sampledAtMs: best.receivedAtMs,
    samples: samples.length,
  };
}

/**
 * A first estimate from the engine's `hello` before any pong: the engine stamped it at most one
 * socket trip ago, which we cannot measure, so the bound is unknown (Infinity).
 */
export function provisionalSync(engineAtMs: number, receivedAtMs: number): ClockSync {
  return { offsetMs: engineAtMs - receivedAtMs, boundMs: Infinity, sampledAtMs: receivedAtMs, samples: 1 };
}

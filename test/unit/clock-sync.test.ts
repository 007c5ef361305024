/**
 * Catches a clock-sync estimator that flatters itself: one that keeps a sample other than the
 * fastest round trip, assumes the engine stamped its reply on arrival rather than mid-flight, or
 * claims a bound tighter than the asymmetry it cannot see. Synthetic pings with known one-way delays
 * give the exact offset each estimator must report.
 */
import { describe, expect, it } from 'vitest';
import { bestOfBurst, provisionalSync, type PongSample } from '../../src/renderer/src/clock-sync';

/** Engine clock minus page clock in these tests, ms. */
const TRUE_OFFSET_MS = 12_345.5;

/** A ping sent at `sentAtMs` (page clock) that takes `upMs` to the engine and `downMs` back. */
function ping(sentAtMs: number, upMs: number, downMs: number): PongSample {
  return { sentAtMs, receivedAtMs: sentAtMs + upMs + downMs, engineAtMs: sentAtMs + upMs + TRUE_OFFSET_MS };
}

describe('bestOfBurst', () => {
  it('keeps the fastest round trip and places the engine stamp mid-flight', () => {
    const burst = [ping(1_000, 30, 2), ping(1_050, 4, 4), ping(1_100, 1, 40), ping(1_150, 9, 9)];
    const sync = bestOfBurst(burst)!;
    // The 8 ms round trip, symmetric: exact.
    expect(sync.offsetMs).toBe(TRUE_OFFSET_MS);
    expect(sync.boundMs).toBe(4);
    expect(sync.sampledAtMs).toBe(1_058);
    expect(sync.samples).toBe(4);
  });

  it('an asymmetric fastest sample is off by half the asymmetry, and the bound still holds it', () => {
    // Slow on the way back (a page busy painting): the reply looks older than it is.
    const late = bestOfBurst([ping(0, 1, 9), ping(100, 20, 20)])!;
    expect(late.offsetMs).toBe(TRUE_OFFSET_MS - 4);
    expect(late.boundMs).toBe(5);
    // Slow on the way there: the reply looks newer than it is.
    const early = bestOfBurst([ping(0, 9, 1), ping(100, 20, 20)])!;
    expect(early.offsetMs).toBe(TRUE_OFFSET_MS + 4);
    expect(early.boundMs).toBe(5);
  });

  it('over many bursts of uneven delays the true offset is always within the bound', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let burst = 0; burst < 500; burst++) {
      const samples = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) =>
        ping(burst * 1_000 + i * 20, 0.2 + random() ** 3 * 60, 0.2 + random() ** 3 * 60),
      );
      const sync = bestOfBurst(samples)!;
      const fastest = Math.min(...samples.map((s) => s.receivedAtMs - s.sentAtMs));
      expect(sync.boundMs * 2).toBeCloseTo(fastest, 9);
      expect(Math.abs(sync.offsetMs - TRUE_OFFSET_MS)).toBeLessThanOrEqual(sync.boundMs + 1e-9);
    }
  });

  it('no samples: no estimate', () => {
    expect(bestOfBurst([])).toBeNull();
  });
});

describe('provisionalSync', () => {
  it('from hello alone the offset is the arrival one and its bound is unknown', () => {
    // The engine stamped hello 3 ms before the page read it: the estimate runs 3 ms early, unbounded.
    const sync = provisionalSync(5_000 + TRUE_OFFSET_MS, 5_003);
    expect(sync.offsetMs).toBe(TRUE_OFFSET_MS - 3);
    expect(sync.boundMs).toBe(Infinity);
    expect(sync.samples).toBe(1);
  });
});

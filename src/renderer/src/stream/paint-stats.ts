/**
 * Paint-latency samples for the benchmark: for each animation frame that paints streamed answer
 * text, (when the frame was painted, on the engine clock) − (engine time of the newest token in it).
 * Kept in a bounded ring so a long session costs fixed memory.
 */

/** Frames slower than this count as long (a visible stutter), ms. */
export const LONG_FRAME_MS = 50;
/** Samples kept; older ones are overwritten. */
const RING_SIZE = 8_192;

export class PaintStats {
  private readonly ring = new Float64Array(RING_SIZE);
  private count = 0;
  private long = 0;

  addLatency(ms: number): void {
    this.ring[this.count % RING_SIZE] = ms;
    this.count += 1;
  }

  addFrameInterval(ms: number): void {
    if (ms > LONG_FRAME_MS) this.long += 1;
  }

  /** Samples, oldest first. */
  latencies(): number[] {
    const n = Math.min(this.count, RING_SIZE);
    const start = this.count - n;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.ring[(start + i) % RING_SIZE] ?? 0;
    return out;
  }

  longFrames(): number {
    return this.long;
  }

  reset(): void {
    this.count = 0;
    this.long = 0;
  }
}

/** The diagnostics hook the benchmark reads through the browser: `window.__dialtoneStats`. */
export interface DialtoneStatsHook {
  /** Paint latency samples, ms (engine clock), oldest first; a copy. */
  paintLatencyMs(): number[];
  /** Animation frames longer than LONG_FRAME_MS while text was streaming. */
  longFrames(): number;
  /** Clears samples and the long-frame count. */
  reset(): void;
}

/**
 * Diagnostics hook, read-only: `window.__dialtoneStats` lets `bin/dialtone bench` (and anyone with
 * devtools) read paint latency from a running page. It exposes numbers only, never control.
 */
export function installStatsHook(stats: PaintStats): void {
  const hook: DialtoneStatsHook = Object.freeze({
    paintLatencyMs: () => stats.latencies(),
    longFrames: () => stats.longFrames(),
    reset: () => stats.reset(),
  });
  if ('__dialtoneStats' in window) return;
  Object.defineProperty(window, '__dialtoneStats', { value: hook, writable: false, enumerable: false });
}

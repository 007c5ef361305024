/**
 * Times in the audio graph, mapped to the page's clock (`performance.now()`, ms) and from there to
 * the engine's (`engineAtMs = perfAtMs + offsetMs`, the ping/pong offset in clock-sync.ts).
 *
 * The audio thread counts context frames (`currentFrame`; context time = frame / sampleRate). Two
 * facts tie that count to the page clock:
 *
 * - `getOutputTimestamp()` returns `{contextTime, performanceTime}`: the context time that was
 *   leaving the output device at `performanceTime`. Chromium computes `contextTime` as frames
 *   rendered minus the device's output delay, so this pair already includes the output latency: a
 *   context time `c` is *audible* at `performanceTime + (c − contextTime)·1000`.
 * - Before the device has reported a position (the context just started, or suspended) that pair is
 *   zero. Then `currentTime` stands in: it is the end of the last rendered block, which happened
 *   "now", and rendered audio reaches the ear `baseLatency + outputLatency` later. So
 *   audible(c) ≈ now + (c − currentTime)·1000 + (baseLatency + outputLatency)·1000.
 *
 * Microphone samples are handed to the graph in the render call of their context time, which runs
 * `outputLatency` before that time is audible; the device captured them `inputLatency` before that
 * (the track's reported latency, when the browser reports one). So
 * captured(c) ≈ audible(c) − outputLatency·1000 − inputLatency·1000.
 */

/**
 * The output timestamp's page time is taken when the device thread gets round to it, so on a busy
 * machine it comes late by up to tens of ms, never early. Like the min-RTT sample of clock sync, the
 * smallest `performanceTime − contextTime` seen recently is the truest; it is renewed every few
 * seconds so slow drift between the two clocks is followed.
 */
const OFFSET_WINDOW_MS = 5_000;
const bestOffset = new WeakMap<AudioContext, { offsetMs: number; seenAtMs: number }>();

/** Page-clock time (ms) at which context time `contextTimeS` is (or was) audible. */
export function audibleAtPerfMs(ctx: AudioContext, contextTimeS: number): number {
  const ts = ctx.getOutputTimestamp?.();
  if (ts && ts.performanceTime !== undefined && ts.contextTime !== undefined && ts.performanceTime > 0) {
    const offsetMs = ts.performanceTime - ts.contextTime * 1000;
    const best = bestOffset.get(ctx);
    if (!best || offsetMs <= best.offsetMs || ts.performanceTime - best.seenAtMs > OFFSET_WINDOW_MS) {
      bestOffset.set(ctx, { offsetMs, seenAtMs: ts.performanceTime });
      return ts.performanceTime + (contextTimeS - ts.contextTime) * 1000;
    }
    return best.offsetMs + contextTimeS * 1000;
  }
  const latencyS = (ctx.baseLatency ?? 0) + (ctx.outputLatency ?? 0);
  return performance.now() + (contextTimeS - ctx.currentTime + latencyS) * 1000;
}

/** Page-clock time (ms) at which the microphone captured the sample the graph holds at `contextTimeS`. */
export function capturedAtPerfMs(ctx: AudioContext, contextTimeS: number, inputLatencyS: number): number {
  return audibleAtPerfMs(ctx, contextTimeS) - ((ctx.outputLatency ?? 0) + inputLatencyS) * 1000;
}

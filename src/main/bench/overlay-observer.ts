/**
 * The overlay's observer cost: what one engine event costs the page's live-turn tracker (the part
 * that runs per token batch; drawing happens once per animation frame). Runs the renderer's own
 * `LiveOverlay` in Node on a synthetic 20,000-token turn of single-token batches (the worst case).
 */
import type { EngineEvent } from '../../shared/protocol';
import { LiveOverlay } from '../../renderer/src/overlay/overlay-live';
import { summarize, type Summary } from './stats';

export function benchOverlayObserver(opts: { tokens?: number; rounds?: number } = {}): {
  usPerEvent: Summary;
  events: number;
} {
  const tokens = opts.tokens ?? 20_000;
  const rounds = opts.rounds ?? 7;
  const perEvent: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const overlay = new LiveOverlay(
      () => 0,
      () => {},
      () => {},
    );
    const turnId = `l-${round}`;
    const events: EngineEvent[] = [
      { type: 'turn.started', laneId: 'l', turnId, userText: 'hi', requestAtMs: 0 },
    ];
    for (let i = 0; i < tokens; i++) {
      const atMs = 100 + i / 20;
      events.push({
        type: 'llm.token',
        laneId: 'l',
        turnId,
        text: ' word',
        tokens: 1,
        totalTokens: i + 1,
        firstAtMs: atMs,
        lastAtMs: atMs,
      });
    }
    const start = performance.now();
    for (const event of events) overlay.apply(event);
    perEvent.push(((performance.now() - start) * 1000) / events.length);
  }
  return { usPerEvent: summarize(perEvent.slice(1)), events: tokens };
}

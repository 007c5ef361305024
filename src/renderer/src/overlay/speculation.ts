/**
 * What speculation did, in words for the overlay: per turn, the replies started at a pause in the
 * user's speech and how many of them were thrown away, and what the adopted one saved; over the
 * conversation, what the thrown-away work costs at a given decode rate (its tokens over tok/s): next to
 * nothing at 2,000 tok/s, real backend time at 60.
 */
import type { TurnTimeline } from '../../../shared/metrics';

/** "speculation: 5 started, 1 discarded · saved 180 ms" for a turn that speculated; null otherwise. */
export function speculationNote(t: TurnTimeline | undefined): string | null {
  const s = t?.speculation;
  if (!s || s.started === 0) return null;
  const saved = s.savedMs > 0 ? ` · saved ${Math.round(s.savedMs).toLocaleString('en-US')} ms` : '';
  return `speculation: ${s.started} started, ${s.discarded} discarded${saved}`;
}

/** The discarded speculative requests' tokens over these turns, and their decode time at `tps`, ms. */
export function discardedWork(
  timelines: readonly TurnTimeline[],
  tps: number,
): { requests: number; tokens: number; decodeMs: number } | null {
  let requests = 0;
  let tokens = 0;
  for (const t of timelines) {
    requests += t.speculation?.discarded ?? 0;
    tokens += t.speculation?.discardedTokens ?? 0;
  }
  if (requests === 0 || !(tps > 0)) return null;
  return { requests, tokens, decodeMs: (tokens / tps) * 1000 };
}

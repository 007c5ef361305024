/**
 * What the stage's silence breakdown shows: the reply being heard, as soon as it is audible (its gap
 * is complete then: every segment ends at or before the first audible sample), else the last finished
 * turn. Waiting for the finished turn would leave the previous line's silence under a line that is
 * already playing, for as long as it plays.
 */
import type { TurnTimeline } from '../../../shared/metrics';
import { waterfallModel } from '../overlay/models';
import type { LiveLaneTurn } from '../overlay/overlay-live';
import { placeSegments, type PlacedSegment } from '../overlay/segments';

export interface Breakdown {
  /** The turn it describes. */
  turnId: string | null;
  /** Silence before the reply, ms; null for a text-only turn. */
  gapMs: number | null;
  ttftMs: number | null;
  placed: PlacedSegment[];
}

/** The live turn's id while it is audible and not finished yet; null otherwise. */
export function audibleLiveTurn(live: LiveLaneTurn | null): string | null {
  return live && live.timeline === null && live.marks.audibleAtMs !== null ? live.turnId : null;
}

export function breakdownOf(
  last: TurnTimeline | null,
  lastTurnId: string | null,
  live: LiveLaneTurn | null,
): Breakdown | null {
  if (audibleLiveTurn(live) !== null) {
    const model = waterfallModel(live, null, true);
    const ttft = model.segments.find((s) => s.def.key === 'ttftMs');
    return { turnId: live!.turnId, gapMs: model.gapMs, ttftMs: ttft?.ms ?? null, placed: model.segments };
  }
  if (last === null) return null;
  return { turnId: lastTurnId, gapMs: last.gapMs, ttftMs: last.ttftMs, placed: placeSegments(last) };
}

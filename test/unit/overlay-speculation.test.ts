/**
 * The overlay's words for speculation. Bugs it pins: a turn without speculation showing an empty
 * "speculation: 0 started" line, the saved time shown for a turn that adopted nothing, and the cost of
 * discarded work not following the what-if decode rate (it must be tokens / tok/s).
 */
import { describe, expect, it } from 'vitest';
import type { TurnTimeline } from '../../src/shared/metrics';
import { discardedWork, speculationNote } from '../../src/renderer/src/overlay/speculation';

const timeline = (speculation?: TurnTimeline['speculation']): TurnTimeline =>
  ({ gapMs: 400, ...(speculation ? { speculation } : {}) }) as TurnTimeline;

describe('speculation in the overlay', () => {
  it('says what a turn started, discarded and saved', () => {
    expect(speculationNote(timeline({ started: 5, discarded: 1, discardedTokens: 12, savedMs: 180.4 }))).toBe(
      'speculation: 5 started, 1 discarded · saved 180 ms',
    );
    expect(speculationNote(timeline({ started: 1, discarded: 1, discardedTokens: 3, savedMs: 0 }))).toBe(
      'speculation: 1 started, 1 discarded',
    );
    expect(
      speculationNote(timeline({ started: 0, discarded: 0, discardedTokens: 0, savedMs: 0 })),
    ).toBeNull();
    expect(speculationNote(timeline())).toBeNull();
  });

  it('prices discarded work at the decode rate: little at 2,000 tok/s, much at 60', () => {
    const turns = [
      timeline({ started: 2, discarded: 1, discardedTokens: 40, savedMs: 150 }),
      timeline({ started: 1, discarded: 0, discardedTokens: 0, savedMs: 120 }),
      timeline({ started: 3, discarded: 2, discardedTokens: 80, savedMs: 0 }),
    ];
    expect(discardedWork(turns, 2_000)).toEqual({ requests: 3, tokens: 120, decodeMs: 60 });
    expect(discardedWork(turns, 60)).toEqual({ requests: 3, tokens: 120, decodeMs: 2_000 });
    expect(discardedWork([timeline()], 60)).toBeNull();
  });
});

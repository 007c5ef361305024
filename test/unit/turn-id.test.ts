/** Turn ids round-trip between the id the events carry and the number audio frames carry. */
import { describe, expect, it } from 'vitest';
import { turnIdOf, turnNumberOf } from '../../src/shared/turn-id';

describe('turn ids', () => {
  it('round-trips, also for lane ids that contain dashes and digits', () => {
    for (const laneId of ['lane-1', 'race-2', 'fast', 'a-1-2']) {
      for (const n of [1, 9, 10, 4_294_967_295]) expect(turnNumberOf(laneId, turnIdOf(laneId, n))).toBe(n);
    }
  });

  it("refuses another lane's id and ids that are not a turn number", () => {
    // `lane-1` must not read `lane-12-3` as its turn "2-3", nor `lane-1-` / `lane-1-01` / `lane-1-1.5` as turns.
    expect(turnNumberOf('lane-1', 'lane-12-3')).toBeNull();
    expect(turnNumberOf('lane-1', 'lane-2-3')).toBeNull();
    for (const id of ['lane-1-', 'lane-1-01', 'lane-1-1.5', 'lane-1-0', 'lane-1-4294967296', 'lane-1--3']) {
      expect(turnNumberOf('lane-1', id), id).toBeNull();
    }
  });
});

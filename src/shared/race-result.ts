/**
 * Who won a race and by how much: the app's finish card, the terminal's winner line and `--json`'s
 * `winner` read the same maths. A lane wins by finishing cleanly (its stop rule ended it, not an
 * error or a stop) in the least time; its margin is over the next clean finisher.
 */
import type { StoppedBy } from './scenario';

/** What a lane's finish says, as `scenario.finished` carries it. */
export interface RaceFinish {
  label: string;
  /** Start → end of the lane's last line, ms. */
  totalMs: number;
  stoppedBy: StoppedBy;
}

export interface RaceResult<L extends RaceFinish> {
  /** The clean finishers, fastest first. */
  ranked: L[];
  /** The fastest clean finisher; null when none finished cleanly. */
  winner: L | null;
  /** How far ahead of the next clean finisher the winner was, ms; null with fewer than two. */
  marginMs: number | null;
  /** One line for people: "fast wins by 6.7 s", "no lane finished", … */
  text: string;
}

/** A finish that counts in the ranking: the lane's own stop rule ended it. */
export function finishedCleanly(f: Pick<RaceFinish, 'stoppedBy'>): boolean {
  return f.stoppedBy !== 'error' && f.stoppedBy !== 'stopped';
}

/** Whole tenths of a second, the way the finish card shows race times: "6.7 s". */
export function raceSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The result of a race whose lanes have all finished (one entry per lane, in lane order). */
export function raceResult<L extends RaceFinish>(lanes: readonly L[]): RaceResult<L> {
  const ranked = lanes.filter(finishedCleanly).sort((a, b) => a.totalMs - b.totalMs);
  const [first, second] = ranked;
  if (!first) return { ranked, winner: null, marginMs: null, text: 'no lane finished' };
  if (!second) {
    const text =
      lanes.length === 1
        ? `${first.label} finished in ${raceSeconds(first.totalMs)}`
        : `${first.label} finished; the others did not`;
    return { ranked, winner: first, marginMs: null, text };
  }
  const marginMs = second.totalMs - first.totalMs;
  return { ranked, winner: first, marginMs, text: `${first.label} wins by ${raceSeconds(marginMs)}` };
}

/** What starting a race sends, and where its lanes sit in the stereo field. */
import type { ClientMessage } from '../../../shared/protocol';

/** Pan of the outermost race lanes. */
export const RACE_PAN = 0.7;

/** The default race (key R): `fast` vs `gpu` presets, spoken, timed by this page's players. */
export function raceMessage(scenario: string): Extract<ClientMessage, { type: 'scenario.start' }> {
  return {
    type: 'scenario.start',
    scenario,
    lanes: [
      { spec: 'fast', label: 'fast' },
      { spec: 'gpu', label: 'gpu' },
    ],
    speech: true,
    playback: 'client',
  };
}

/** Pans for `n` lanes, evenly from left to right (-0.7 / +0.7 for two; centre for one). */
export function racePans(n: number): number[] {
  if (n <= 1) return [0];
  return Array.from({ length: n }, (_, i) => -RACE_PAN + (2 * RACE_PAN * i) / (n - 1));
}

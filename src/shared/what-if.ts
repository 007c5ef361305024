/**
 * "What if the backend were this fast?" — recomputes a recorded turn's gap at another decode rate
 * and TTFT. Only the segments the backend decides change: TTFT, and the wait for the tokens before
 * the first speakable chunk (`firstChunkTokens`, reasoning included). Endpointing, STT, TTS and
 * playout stay as measured. For the simulated backend the prediction is exact up to scheduling noise:
 * token i arrives at TTFT + i / rate.
 */
import type { TurnTimeline } from './metrics';

export interface BackendSpeed {
  /** Decode rate, tokens per second. */
  tps: number;
  /** Time to first token, ms. */
  ttftMs: number;
}

/** Request → first speakable chunk at `speed`, ms; null when the turn had no speech. */
export function firstChunkAt(turn: TurnTimeline, speed: BackendSpeed): number | null {
  if (turn.firstChunkTokens === null) return null;
  return speed.ttftMs + (Math.max(0, turn.firstChunkTokens - 1) * 1000) / speed.tps;
}

/** The gap the listener would have heard at `speed`, ms; null when the turn was not heard. */
export function gapAt(turn: TurnTimeline, speed: BackendSpeed): number | null {
  if (turn.gapMs === null || turn.ttftMs === null || turn.firstChunkMs === null) return null;
  const recorded = turn.ttftMs + turn.firstChunkMs;
  const predicted = firstChunkAt(turn, speed);
  return predicted === null ? null : turn.gapMs - recorded + predicted;
}

/** Total silence between speakers over a conversation at `speed` (turns without a gap are skipped), ms. */
export function deadAirAt(turns: TurnTimeline[], speed: BackendSpeed): number {
  return turns.reduce((sum, turn) => sum + (gapAt(turn, speed) ?? 0), 0);
}

/** The conversation's recorded dead air, ms. */
export function deadAir(turns: TurnTimeline[]): number {
  return turns.reduce((sum, turn) => sum + (turn.gapMs ?? 0), 0);
}

/**
 * The overlay's state outside React (a zustand vanilla store): every finished turn's timeline per
 * lane (the history, the what-if and the exports read it) and the what-if and roofline settings.
 * It changes once per finished turn or slider move; the turn in flight lives in `LiveOverlay`.
 */
import { createStore } from 'zustand/vanilla';
import type { TurnTimeline } from '../../../shared/metrics';

/** A finished turn, with the lane as it was when the turn ended (for the exports). */
export interface HistoryEntry {
  laneId: string;
  turnId: string;
  label: string;
  spec: string;
  provider: string;
  timeline: TurnTimeline;
}

export interface WhatIfSpeed {
  tps: number;
  ttftMs: number;
}

export interface RooflineChoice {
  paramsB: number;
  precisionId: string;
  systemId: string;
}

export interface OverlayState {
  /** Finished turns per lane, oldest first (the whole session: exports need all of them). */
  history: Record<string, HistoryEntry[]>;
  /** The what-if sliders; null follows the last turn's measured speed. */
  whatIf: WhatIfSpeed | null;
  roofline: RooflineChoice;
}

export interface OverlayActions {
  addTurn(entry: HistoryEntry): void;
  removeLane(laneId: string): void;
  clearLane(laneId: string): void;
  setWhatIf(speed: WhatIfSpeed | null): void;
  setRoofline(patch: Partial<RooflineChoice>): void;
}

export type OverlayStore = ReturnType<typeof createOverlayStore>;

/** Turns kept per lane; a long session still costs bounded memory. */
const MAX_TURNS = 1_000;

export function createOverlayStore() {
  return createStore<OverlayState & OverlayActions>()((set) => ({
    history: {},
    whatIf: null,
    roofline: { paramsB: 70, precisionId: 'fp16', systemId: 'h100' },
    addTurn(entry) {
      set((s) => {
        const turns = (s.history[entry.laneId] ?? []).filter((t) => t.turnId !== entry.turnId);
        return { history: { ...s.history, [entry.laneId]: [...turns, entry].slice(-MAX_TURNS) } };
      });
    },
    removeLane(laneId) {
      set((s) => {
        const { [laneId]: _gone, ...history } = s.history;
        return { history };
      });
    },
    clearLane(laneId) {
      set((s) => (s.history[laneId]?.length ? { history: { ...s.history, [laneId]: [] } } : {}));
    },
    setWhatIf(speed) {
      set({ whatIf: speed });
    },
    setRoofline(patch) {
      set((s) => ({ roofline: { ...s.roofline, ...patch } }));
    },
  }));
}

/** Every finished turn of the session in lane order, oldest first within a lane. */
export function allTurns(state: OverlayState, laneOrder: readonly string[]): HistoryEntry[] {
  const ids = [...laneOrder, ...Object.keys(state.history).filter((id) => !laneOrder.includes(id))];
  return ids.flatMap((id) => state.history[id] ?? []);
}

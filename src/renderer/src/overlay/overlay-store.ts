/**
 * The overlay's state outside React (a zustand vanilla store): every finished turn's timeline per
 * lane (the history, the what-if and the exports read it) and the what-if and roofline settings.
 * It changes once per finished turn or slider move; the turn in flight lives in `LiveOverlay`.
 */
import { createStore } from 'zustand/vanilla';
import type { TurnTimeline } from '../../../shared/metrics';
import { RECENT_TURNS } from '../../../shared/protocol';

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
  /** Finished turns per lane since its last reset, oldest first (all of them: the exports need them). */
  history: Record<string, HistoryEntry[]>;
  /** The what-if sliders; null follows the last turn's measured speed. */
  whatIf: WhatIfSpeed | null;
  roofline: RooflineChoice;
}

export interface OverlayActions {
  addTurn(entry: HistoryEntry): void;
  /** Takes the engine's recent turns of a lane (sent on connect), oldest first; see the action. */
  mergeRecent(laneId: string, recent: HistoryEntry[]): void;
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
    mergeRecent(laneId, recent) {
      set((s) => {
        const mine = s.history[laneId] ?? [];
        if (mine.length === 0 && recent.length === 0) return {};
        const known = new Map(mine.map((t) => [t.turnId, t]));
        const sent = new Set(recent.map((t) => t.turnId));
        // Fewer than the engine keeps: these are all the lane's turns since its reset, so turns here it
        // lacks are from before a reset missed while away. A full list may follow older turns kept here.
        const older = recent.length < RECENT_TURNS ? [] : mine.filter((t) => !sent.has(t.turnId));
        // A turn already here stays as recorded (with the lane as it was when the turn ended).
        const merged = [...older, ...recent.map((t) => known.get(t.turnId) ?? t)];
        return { history: { ...s.history, [laneId]: merged.slice(-MAX_TURNS) } };
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

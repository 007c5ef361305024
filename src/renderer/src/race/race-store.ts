/**
 * The race (one scenario on several lanes at once) outside React: fed by the engine's `scenario.*`
 * events. Holds each lane's progress (lines spoken, dead air so far, who spoke last) and its finish
 * line. Progress arrives once per spoken line, so a `set` per event is cheap; the running clock is
 * painted by the view from `startedAt`, not stored.
 */
import { finishedCleanly } from '../../../shared/race-result';
import { createStore } from 'zustand/vanilla';
import type { EngineEvent } from '../../../shared/protocol';

type Finished = Extract<EngineEvent, { type: 'scenario.finished' }>;

export interface ScenarioInfo {
  name: string;
  title: string;
  description?: string;
}

export interface RaceLane {
  laneId: string;
  label: string;
  spec: string;
  /** Lines spoken so far, the opening included. */
  turns: number;
  /** Sum of the gaps between bots so far, ms. */
  deadAirMs: number;
  /** Who spoke the latest line, and what. */
  speaker: string | null;
  lastText: string | null;
  /** `performance.now()` when the latest line arrived. */
  lastAt: number | null;
  /** `performance.now()` when each line arrived (to say how far behind in time a lane is). */
  lineAt: number[];
  finish: Omit<Finished, 'type' | 'laneId'> | null;
}

export interface RaceState {
  /** Scenarios the engine offers (from `scenario.list`), and files that failed to load. */
  scenarios: ScenarioInfo[];
  scenarioErrors: string[];
  /** The scenario picked for the next race. */
  selected: string;
  /** The current (or last) race; null before the first. */
  scenario: string | null;
  title: string | null;
  speech: boolean;
  warnings: string[];
  /** `performance.now()` when the race started (for the running clock). */
  startedAt: number | null;
  laneOrder: string[];
  lanes: Record<string, RaceLane>;
}

export interface RaceActions {
  applyEvent(event: EngineEvent): void;
  select(name: string): void;
  /** The lane is gone (see store/lane-registry.ts): it leaves the race view. */
  forgetLane(laneId: string): void;
  /** This page sent `scenario.stop` (a `stopped` finish soon after the start is then real). */
}

export type RaceStore = ReturnType<typeof createRaceStore>;

export const DEFAULT_RACE_SCENARIO = 'goodbye';

/** Whether every lane of the race has its finish line. */
export function raceOver(s: RaceState): boolean {
  return s.laneOrder.length > 0 && s.laneOrder.every((id) => s.lanes[id]?.finish != null);
}

/** The lanes that finished cleanly, fastest first. */
export function ranking(s: RaceState): RaceLane[] {
  return s.laneOrder
    .map((id) => s.lanes[id]!)
    .filter((l) => l.finish !== null && finishedCleanly(l.finish))
    .sort((a, b) => a.finish!.totalMs - b.finish!.totalMs);
}

export function createRaceStore(now: () => number = () => performance.now()) {
  return createStore<RaceState & RaceActions>()((set, get) => {
    const patchLane = (laneId: string, patch: (lane: RaceLane) => Partial<RaceLane>): void => {
      const lane = get().lanes[laneId];
      if (lane) set((s) => ({ lanes: { ...s.lanes, [laneId]: { ...lane, ...patch(lane) } } }));
    };
    return {
      scenarios: [],
      scenarioErrors: [],
      selected: DEFAULT_RACE_SCENARIO,
      scenario: null,
      title: null,
      speech: true,
      warnings: [],
      startedAt: null,
      laneOrder: [],
      lanes: {},

      applyEvent(event) {
        switch (event.type) {
          case 'scenario.list': {
            const scenarios = event.scenarios.map(({ name, title, description }) => ({
              name,
              title,
              ...(description !== undefined ? { description } : {}),
            }));
            const selected = get().selected;
            set({
              scenarios,
              scenarioErrors: event.errors,
              selected:
                scenarios.some((s) => s.name === selected) || scenarios.length === 0
                  ? selected
                  : scenarios[0]!.name,
            });
            return;
          }
          case 'settings': {
            // The scenario run last time is the one picked (kept when `scenario.list` arrives).
            const last = event.lastScenario?.scenario;
            const { scenarios, scenario } = get();
            if (
              last &&
              scenario === null &&
              (scenarios.length === 0 || scenarios.some((s) => s.name === last))
            )
              set({ selected: last });
            return;
          }
          case 'scenario.started':
            set({
              scenario: event.scenario,
              title: event.title,
              speech: event.speech,
              warnings: event.warnings,
              startedAt: now(),
              laneOrder: event.lanes.map((l) => l.laneId),
              lanes: Object.fromEntries(
                event.lanes.map((l) => [
                  l.laneId,
                  {
                    ...l,
                    turns: 0,
                    deadAirMs: 0,
                    speaker: null,
                    lastText: null,
                    lastAt: null,
                    lineAt: [],
                    finish: null,
                  },
                ]),
              ),
            });
            return;
          case 'scenario.progress': {
            const at = now();
            patchLane(event.laneId, (lane) => ({
              turns: Math.max(lane.turns, event.index + 1),
              deadAirMs: lane.deadAirMs + (event.gapMs ?? 0),
              speaker: event.speaker,
              lastText: event.text,
              lastAt: at,
              lineAt: [...lane.lineAt, at],
            }));
            return;
          }
          case 'scenario.finished': {
            const { type: _type, laneId, ...finish } = event;
            // A lane that failed reports no lines: keep the ones it was seen to speak.
            patchLane(laneId, (lane) => ({
              finish,
              turns: Math.max(lane.turns, finish.turns),
              deadAirMs: Math.max(lane.deadAirMs, finish.deadAirMs),
            }));
            return;
          }
          default:
            return;
        }
      },

      select(name) {
        set({ selected: name });
      },

      forgetLane(laneId) {
        if (!get().lanes[laneId]) return;
        set((s) => {
          const { [laneId]: _gone, ...lanes } = s.lanes;
          return { lanes, laneOrder: s.laneOrder.filter((id) => id !== laneId) };
        });
      },
    };
  });
}

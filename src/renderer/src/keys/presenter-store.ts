/**
 * Presenter state outside React (a zustand vanilla store, like race-store.ts): the demo scripts the
 * engine offers (`demo.list`), the script picked and how far it has been stepped, whether the key
 * help is open, the view a step asked for, and the "press R again" window.
 */
import { createStore } from 'zustand/vanilla';
import type { DemoView } from '../../../shared/demo-script';
import type { EngineEvent } from '../../../shared/protocol';

export type DemoListing = Extract<EngineEvent, { type: 'demo.list' }>['demos'][number];

export interface PresenterState {
  demos: DemoListing[];
  demoErrors: string[];
  /** The script the clicker steps (the first one listed until another is picked). */
  selected: string | null;
  /** Index of the step last run; -1 before the first. */
  stepIndex: number;
  /** Why the step last run did nothing, in plain words; cleared by the next step. */
  stepProblem: string | null;
  helpOpen: boolean;
  /** The part of the page the latest `show` step asked for. */
  view: DemoView | null;
  /** `performance.now()` until which a second R restarts the running race; null when not armed. */
  restartArmedUntil: number | null;
}

export interface PresenterActions {
  applyEvent(event: EngineEvent): void;
  select(name: string): void;
  setStep(index: number): void;
  setStepProblem(problem: string | null): void;
  setHelp(open: boolean): void;
  setView(view: DemoView | null): void;
  armRestart(until: number | null): void;
}

export type PresenterStore = ReturnType<typeof createPresenterStore>;

/** The script being stepped, if any. */
export function currentDemo(s: PresenterState): DemoListing | null {
  return s.demos.find((d) => d.name === s.selected) ?? s.demos[0] ?? null;
}

export function createPresenterStore() {
  return createStore<PresenterState & PresenterActions>()((set, get) => ({
    demos: [],
    demoErrors: [],
    selected: null,
    stepIndex: -1,
    stepProblem: null,
    helpOpen: false,
    view: null,
    restartArmedUntil: null,

    applyEvent(event) {
      if (event.type !== 'demo.list') return;
      const selected = get().selected;
      const keep = selected !== null && event.demos.some((d) => d.name === selected);
      set({
        demos: event.demos,
        demoErrors: event.errors,
        selected: keep ? selected : (event.demos[0]?.name ?? null),
        ...(keep ? {} : { stepIndex: -1, stepProblem: null }),
      });
    },
    select(name) {
      if (name !== get().selected) set({ selected: name, stepIndex: -1, stepProblem: null });
    },
    setStep: (stepIndex) => set({ stepIndex, stepProblem: null }),
    setStepProblem: (stepProblem) => set({ stepProblem }),
    setHelp: (helpOpen) => set({ helpOpen }),
    setView: (view) => set({ view }),
    armRestart: (restartArmedUntil) => set({ restartArmedUntil }),
  }));
}

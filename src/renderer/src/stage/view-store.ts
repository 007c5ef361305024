/**
 * Which view the app shows: the stage (what the audience reads: lanes, race, silence) or the setup
 * (backend pickers, knobs, spec fields, devices, voices). One store for the page, outside React, so
 * a key map can call `toggleStageView()` without reaching into a component.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export type ViewMode = 'stage' | 'setup';

export interface ViewState {
  mode: ViewMode;
  setMode(mode: ViewMode): void;
}

export const viewStore = createStore<ViewState>()((set) => ({
  mode: 'setup',
  setMode(mode) {
    set({ mode });
  },
}));

/** Stage ↔ setup (key S). */
export function toggleStageView(): void {
  const { mode, setMode } = viewStore.getState();
  setMode(mode === 'stage' ? 'setup' : 'stage');
}

/** A race starting puts the stage up. */
export function showStage(): void {
  viewStore.getState().setMode('stage');
}

export function useViewMode(): ViewMode {
  return useStore(viewStore, (s) => s.mode);
}

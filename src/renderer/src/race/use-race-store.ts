import { useStore } from 'zustand';
import { useServices } from '../app/services';
import type { RaceActions, RaceState } from './race-store';

/** Binds a component to a slice of the race store; the selector must return a stable value. */
export function useRaceStore<T>(selector: (state: RaceState & RaceActions) => T): T {
  return useStore(useServices().race, selector);
}

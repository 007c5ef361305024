import { useStore } from 'zustand';
import { useServices } from '../app/services';

/** The ids of the lanes that exist, in the engine's order (see lane-registry.ts). */
export function useLaneOrder(): string[] {
  return useStore(useServices().lanes, (s) => s.laneOrder);
}

/**
 * Which lanes exist, in the engine's order: the one place the renderer learns that a lane came or
 * went (a zustand vanilla store, like app-store.ts). Every store and tracker that keeps something
 * per lane keys it by lane id and forgets it through `onRemoved`, so a lane that is removed, or that
 * is missing from a new socket's `hello` (the engine restarted without it), goes everywhere at once.
 */
import { createStore } from 'zustand/vanilla';
import type { EngineEvent } from '../../../shared/protocol';

export type LaneRemovedListener = (laneId: string) => void;

export interface LaneRegistryState {
  /** Lane ids in the engine's order (`hello`, then each new lane's first `lane.state`). */
  laneOrder: string[];
}

export interface LaneRegistryActions {
  /** Takes every engine event; only `hello`, `lane.state` and `lane.removed` change the list. */
  applyEvent(event: EngineEvent): void;
  /** Calls `listener` with each lane that goes, after the list no longer holds it; returns the unsubscribe. */
  onRemoved(listener: LaneRemovedListener): () => void;
}

export type LaneRegistry = ReturnType<typeof createLaneRegistry>;

export function createLaneRegistry() {
  const listeners = new Set<LaneRemovedListener>();
  return createStore<LaneRegistryState & LaneRegistryActions>()((set, get) => {
    const remove = (gone: readonly string[], laneOrder: string[]): void => {
      set({ laneOrder });
      for (const laneId of gone) for (const listener of [...listeners]) listener(laneId);
    };
    return {
      laneOrder: [],

      applyEvent(event) {
        switch (event.type) {
          case 'hello': {
            const laneOrder = event.lanes.map((l) => l.laneId);
            remove(
              get().laneOrder.filter((id) => !laneOrder.includes(id)),
              laneOrder,
            );
            return;
          }
          case 'lane.state': {
            const { laneId } = event.lane;
            if (!get().laneOrder.includes(laneId)) set((s) => ({ laneOrder: [...s.laneOrder, laneId] }));
            return;
          }
          case 'lane.removed':
            // Told even when this page never listed the lane: a tracker may have seen its audio or race.
            remove(
              [event.laneId],
              get().laneOrder.filter((id) => id !== event.laneId),
            );
            return;
          default:
            return;
        }
      },

      onRemoved(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  });
}

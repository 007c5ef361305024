/**
 * The overlay's parts, wired once per page: the live turn tracker (fed by engine events, speech
 * frames and this page's playback reports), the history store and the painter. The history starts
 * from the recent turns the engine sends on connect, so a reloaded page (OBS) is not empty.
 */
import { createContext, useContext } from 'react';
import type { EngineEvent } from '../../../shared/protocol';
import type { AppStore } from '../store/app-store';
import type { LaneRegistry } from '../store/lane-registry';
import type { ClockSync } from '../clock-sync';
import { HistoryFeed } from './history-feed';
import { LiveOverlay } from './overlay-live';
import { createOverlayStore, type OverlayStore } from './overlay-store';
import { OverlayPainter } from './painter';

export interface OverlayServices {
  store: OverlayStore;
  live: LiveOverlay;
  painter: OverlayPainter;
  /** The app store (lane snapshots, clock) the overlay reads. */
  app: AppStore;
  /** Which lanes exist, in order. */
  lanes: LaneRegistry;
  /** Takes every engine event: the turn in flight and the history (the app store takes them too). */
  apply(event: EngineEvent): void;
}

export function createOverlayServices(
  app: AppStore,
  lanes: LaneRegistry,
  clock: () => ClockSync | null,
  opts: { passive?: boolean } = {},
): OverlayServices {
  const store = createOverlayStore();
  const engineNow = (): number | null => {
    const sync = clock();
    return sync === null ? null : performance.now() + sync.offsetMs;
  };
  let painter: OverlayPainter | null = null;
  const live = new LiveOverlay(
    engineNow,
    () => painter?.wake(),
    (laneId, turnId, timeline) => {
      const lane = app.getState().lanes[laneId];
      store.getState().addTurn({
        laneId,
        turnId,
        label: lane?.label ?? laneId,
        spec: lane?.spec ?? '',
        provider: lane?.provider ?? '',
        timeline,
      });
    },
  );
  const speech = (laneId: string): boolean => {
    const tts = app.getState().lanes[laneId]?.speech.tts;
    return tts !== undefined && tts !== 'none';
  };
  painter = new OverlayPainter(live, engineNow, speech, opts.passive ?? false);
  lanes.getState().onRemoved((laneId) => {
    store.getState().removeLane(laneId);
    live.forgetLane(laneId);
  });
  const feed = new HistoryFeed(store);
  const apply = (event: EngineEvent): void => {
    if (!feed.admits(event)) return;
    live.apply(event);
    feed.apply(event);
  };
  return { store, live, painter, app, lanes, apply };
}

export const OverlayContext = createContext<OverlayServices | null>(null);

export function useOverlay(): OverlayServices {
  const overlay = useContext(OverlayContext);
  if (overlay === null) throw new Error('useOverlay outside OverlayContext');
  return overlay;
}

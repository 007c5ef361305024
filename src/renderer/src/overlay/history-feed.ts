/**
 * Keeps the overlay's history in step with the engine beyond `turn.metrics`: the recent turns `hello`
 * carries (so a page that reloads, as OBS does on a scene switch, is not empty) and lane resets. A
 * turn cut short by a reset still sends its events; they belong to the cleared conversation, so the
 * overlay ignores them, live waterfall included.
 */
import type { EngineEvent } from '../../../shared/protocol';
import type { OverlayStore } from './overlay-store';

export class HistoryFeed {
  /** Turns from before a lane's reset, still winding down. */
  private readonly stale = new Set<string>();

  constructor(private readonly store: OverlayStore) {}

  /** False for an event of a turn from before its lane's reset: nothing in the overlay takes it. */
  admits(event: EngineEvent): boolean {
    if (!('turnId' in event) || event.turnId === undefined || !this.stale.has(event.turnId)) return true;
    // The timeline is a turn's last event.
    if (event.type === 'turn.metrics') this.stale.delete(event.turnId);
    return false;
  }

  apply(event: EngineEvent): void {
    const history = this.store.getState();
    switch (event.type) {
      case 'hello':
        for (const lane of event.lanes) {
          const recent = event.recentTurns
            .filter((t) => t.laneId === lane.laneId)
            .map((t) => ({ ...t, label: lane.label, spec: lane.spec, provider: lane.provider }));
          history.mergeRecent(lane.laneId, recent);
        }
        return;
      case 'lane.cleared':
        for (const id of event.staleTurnIds) this.stale.add(id);
        history.clearLane(event.laneId);
        return;
      default:
        return;
    }
  }
}

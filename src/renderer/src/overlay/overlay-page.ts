/**
 * The /overlay page (web mode): only the overlay, transparent, for OBS or any browser source. It is
 * one more engine client and follows the app's lanes through the same broadcast events; it has no
 * player, so it never plays the speech a second time.
 */
import type { EngineConnection } from '../../../shared/preload-api';
import { EngineClient, type ConnectionInfo } from '../engine-client';
import { createAppStore } from '../store/app-store';
import { createLaneRegistry } from '../store/lane-registry';
import { createOverlayServices, type OverlayServices } from './overlay-services';

export const OVERLAY_PATH = '/overlay';

export function isOverlayPage(): boolean {
  return location.pathname.replace(/\/+$/, '') === OVERLAY_PATH;
}

/** What the /overlay address asks for: `lanes=a,b` (those lanes, in that order) and `layout=compact`. */
export interface OverlayPageOptions {
  /** Null: every lane, in the app's order. */
  lanes: string[] | null;
  /** `compact`: 2–4 lanes side by side on one 1920×1080 screen. */
  layout: 'full' | 'compact';
}

export function overlayPageOptions(search: string = location.search): OverlayPageOptions {
  const params = new URLSearchParams(search);
  const lanes = (params.get('lanes') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return {
    lanes: lanes.length > 0 ? [...new Set(lanes)] : null,
    layout: params.get('layout') === 'compact' ? 'compact' : 'full',
  };
}

/** The lanes to show: the chosen ones that exist, in the order asked; else all of them. */
export function shownLanes(laneOrder: readonly string[], chosen: readonly string[] | null): string[] {
  return chosen === null ? [...laneOrder] : chosen.filter((id) => laneOrder.includes(id));
}

/**
 * A line at the top of the overlay while it cannot follow the engine: why (an out-of-date address,
 * the engine not running), in words a person setting up OBS can act on. Hidden while connected, and
 * while a first attempt is still under way.
 */
function connectionNotice(): { show(info: ConnectionInfo): void } {
  const el = document.createElement('p');
  el.dataset.testid = 'overlay-connection';
  el.setAttribute('role', 'status');
  // Set through the CSSOM (the page's CSP allows no inline style attributes).
  Object.assign(el.style, {
    position: 'fixed',
    top: '0',
    left: '0',
    right: '0',
    margin: '0',
    padding: '12px 20px',
    font: '600 22px/1.35 system-ui, sans-serif',
    color: '#fff',
    background: 'rgba(20, 20, 28, 0.92)',
    zIndex: '10',
    display: 'none',
  });
  document.body.append(el);
  return {
    show(info) {
      const text =
        info.status !== 'reconnecting'
          ? ''
          : info.problem !== undefined
            ? (info.reason ?? '')
            : `Connecting to the engine… (${info.reason ?? 'retrying'})`;
      el.textContent = text;
      el.dataset.problem = info.status === 'reconnecting' ? (info.problem ?? '') : '';
      el.style.display = text === '' ? 'none' : 'block';
    },
  };
}

export function startOverlayPage(connection: () => Promise<EngineConnection>): OverlayServices {
  document.documentElement.classList.add('overlay-page');
  const app = createAppStore();
  const lanes = createLaneRegistry();
  lanes.getState().onRemoved((laneId) => app.getState().forgetLane(laneId));
  let client: EngineClient | null = null;
  const notice = connectionNotice();
  const overlay = createOverlayServices(app, lanes, () => client?.clock ?? null, { passive: true });
  client = new EngineClient(
    {
      onEvent(event) {
        app.getState().applyEvent(event);
        overlay.apply(event);
        // Last: a new lane appears once every store has it, and a lane that went is forgotten by all.
        lanes.getState().applyEvent(event);
      },
      onConnection: (info) => {
        app.getState().setConnection(info);
        notice.show(info);
      },
      onClock: (sync) => app.getState().setClock(sync),
      onInvalid: (total, reason) => app.getState().noteInvalid(total, reason),
      onAudio: (frame) => overlay.live.applyAudio(frame),
    },
    { connection, page: 'overlay' },
  );
  client.start();
  return overlay;
}

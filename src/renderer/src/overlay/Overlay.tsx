/**
 * The latency-budget overlay: per lane, the turn in flight as a growing waterfall with the gap
 * counter, the token-rate sparkline and the history; then what-if, roofline and exports. `compact`
 * (the /overlay page) shows only the lanes, over a transparent background.
 */
import { useStore } from 'zustand';
import { useOverlay } from './overlay-services';
import { allTurns } from './overlay-store';
import { OverlayLane } from './OverlayLane';
import { WhatIf } from './WhatIf';
import { Roofline } from './Roofline';
import { download, stamp, timelinesCsv, timelinesJson, turnTexts } from './export';
import { overlayPng } from './png';
import { SEGMENTS } from './segments';
import { overlayPageOptions, shownLanes } from './overlay-page';

function ClockBound() {
  const overlay = useOverlay();
  const clock = useStore(overlay.app, (s) => s.clock);
  const text =
    clock === null
      ? 'clock: not synced'
      : Number.isFinite(clock.boundMs)
        ? `clock ± ${clock.boundMs.toFixed(1)} ms`
        : 'clock: syncing…';
  return (
    <span className="ov-clock" data-testid="overlay-clock">
      {text}
    </span>
  );
}

function Legend() {
  return (
    <ul className="ov-legend" aria-label="Segment colours">
      {SEGMENTS.map((s) => (
        <li key={s.key} className={s.tokenSpeed ? 'token-speed' : undefined}>
          <i className={`swatch swatch-${s.key}`} />
          {s.label}
        </li>
      ))}
      <li className="ov-legend-note">striped = decided by token speed</li>
    </ul>
  );
}

function Exports() {
  const overlay = useOverlay();
  const count = useStore(overlay.store, (s) => Object.values(s.history).reduce((n, t) => n + t.length, 0));
  const turns = () => allTurns(overlay.store.getState(), overlay.lanes.getState().laneOrder);
  // Each turn's words come from the lanes' conversations (the app store), the timings from the overlay.
  const texts = () => turnTexts(overlay.app.getState().lanes);
  return (
    <div className="ov-exports">
      <button
        type="button"
        data-testid="export-json"
        disabled={count === 0}
        onClick={() =>
          download(
            new Blob([timelinesJson(turns(), texts())], { type: 'application/json' }),
            `${stamp()}.json`,
          )
        }
      >
        JSON
      </button>
      <button
        type="button"
        data-testid="export-csv"
        disabled={count === 0}
        onClick={() =>
          download(new Blob([timelinesCsv(turns(), texts())], { type: 'text/csv' }), `${stamp()}.csv`)
        }
      >
        CSV
      </button>
      <button
        type="button"
        data-testid="export-png"
        onClick={() => void overlayPng(overlay).then((blob) => download(blob, `${stamp()}.png`))}
      >
        PNG
      </button>
    </div>
  );
}

/** Columns of the compact layout: side by side up to three lanes, four as two by two. */
export function denseColumns(lanes: number): number {
  return lanes === 4 ? 2 : Math.min(Math.max(lanes, 1), 3);
}

export function Overlay({ compact = false }: { compact?: boolean }) {
  const overlay = useOverlay();
  const allLanes = useStore(overlay.lanes, (s) => s.laneOrder);
  // The /overlay page takes its options from its address (`lanes=`, `layout=compact`).
  const options = compact ? overlayPageOptions() : null;
  const laneOrder = shownLanes(allLanes, options?.lanes ?? null);
  const dense = options?.layout === 'compact';
  const classes = ['overlay', compact && 'compact', dense && 'dense'].filter(Boolean).join(' ');
  return (
    <section
      className={classes}
      data-testid="overlay"
      data-layout={dense ? 'compact' : 'full'}
      style={
        dense
          ? {
              ['--ov-cols' as string]: String(denseColumns(laneOrder.length)),
              ['--ov-rows' as string]: laneOrder.length === 4 ? '2' : '1',
            }
          : undefined
      }
    >
      <header className="ov-head">
        <h2>Where the silence went</h2>
        <Legend />
        <ClockBound />
        {!compact && <Exports />}
      </header>
      <div className="ov-lanes">
        {laneOrder.map((laneId) => (
          <OverlayLane key={laneId} laneId={laneId} />
        ))}
      </div>
      {!compact && (
        <div className="ov-tools">
          <WhatIf />
          <Roofline />
        </div>
      )}
    </section>
  );
}

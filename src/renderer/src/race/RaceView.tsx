/**
 * The race view: per lane a track on a shared time axis, one tick per spoken line where it landed and
 * the fill the lane's race time (it stops at the lane's finish), so the faster lane's lead shows as
 * denser ticks and an earlier finish, with its line count, the running clock and dead air so far;
 * then each lane's finish line and who won by how much. Clocks and fills move through refs in one
 * animation-frame loop.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import { raceOver, ranking, type RaceLane, type RaceState } from './race-store';
import { useRaceStore } from './use-race-store';
import { backendWords } from '../stage/backend-words';
import { raceResult, raceSeconds as seconds } from '../../../shared/race-result';

function millis(ms: number | null): string {
  return ms === null ? '—' : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/** Steps of the race's time axis: it grows by whole steps, so ticks already drawn rarely move. */
const AXIS_STEP_MS = 30_000;

/** The axis that holds `ms` of race time with a few seconds to spare, in whole steps. */
function axisFor(ms: number): number {
  return Math.max(AXIS_STEP_MS, Math.ceil((ms + 5_000) / AXIS_STEP_MS) * AXIS_STEP_MS);
}

/**
 * The time the tracks are drawn against (ms from the start), as far as the events tell: the
 * scenario's length in lines is not known ahead (a stop rule ends it), so the tracks are time. The
 * running clock widens it further (see `useRaceClock`).
 */
function axisMs(s: RaceState): number {
  const start = s.startedAt ?? 0;
  let latest = 0;
  for (const id of s.laneOrder) {
    const lane = s.lanes[id];
    if (!lane) continue;
    const last = lane.lineAt[lane.lineAt.length - 1];
    if (last !== undefined) latest = Math.max(latest, last - start);
    if (lane.finish) latest = Math.max(latest, lane.finish.totalMs);
  }
  return axisFor(latest);
}

/** A lane's fill: its race time over the axis. */
function fillTransform(ms: number, axis: number): string {
  return `scaleX(${Math.min(1, Math.max(0, ms / axis)).toFixed(4)})`;
}

function Lead() {
  const text = useRaceStore((s) => {
    const lanes = s.laneOrder.map((id) => s.lanes[id]!);
    if (lanes.length < 2) return null;
    const ranked = ranking(s);
    if (raceOver(s)) return raceResult(lanes.map((l) => ({ ...l.finish!, label: l.label }))).text;
    if (ranked[0]) return `${ranked[0].label} crossed the line first`;
    // Ahead: more lines spoken, or the same number sooner.
    const at = (l: RaceLane): number => l.lineAt[l.turns - 1] ?? Infinity;
    const sorted = [...lanes].sort((a, b) => b.turns - a.turns || at(a) - at(b));
    const [leader, next] = [sorted[0]!, sorted[1]!];
    const lines = leader.turns - next.turns;
    // Time behind: when the second lane spoke its latest line, the leader had spoken it this long before.
    const gapMs = next.turns > 0 ? at(next) - (leader.lineAt[next.turns - 1] ?? NaN) : 0;
    const behindMs = Number.isFinite(gapMs) ? gapMs : 0;
    if (lines === 0 && behindMs < 50) return 'neck and neck';
    const parts = [
      ...(lines > 0 ? [`${lines} line${lines === 1 ? '' : 's'}`] : []),
      ...(behindMs >= 50 ? [seconds(behindMs)] : []),
    ];
    return `${leader.label} leads by ${parts.join(' · ')}`;
  });
  if (text === null) return null;
  return (
    <p className="race-lead" data-testid="race-lead">
      {text}
    </p>
  );
}

function FinishLine({
  lane,
  winner,
  marginMs,
}: {
  lane: RaceLane;
  winner: boolean;
  marginMs: number | null;
}) {
  const f = lane.finish!;
  return (
    <div
      className={`race-finish${winner ? ' race-winner' : ''}`}
      data-testid="race-finish"
      data-lane-id={lane.laneId}
      data-total-ms={Math.round(f.totalMs)}
      data-stopped-by={f.stoppedBy}
    >
      <span className="race-finish-total" data-testid="race-total">
        {seconds(f.totalMs)}
      </span>
      <span className="race-stat">
        dead air{' '}
        <b className="race-dead-air" data-testid="race-dead-air">
          {seconds(f.deadAirMs)}
        </b>
      </span>
      <span className="race-stat">
        turns <b data-testid="race-turns">{f.turns}</b>
      </span>
      <span className="race-stat">
        mean gap <b data-testid="race-mean-gap">{millis(f.meanGapMs)}</b>
      </span>
      <span className="race-stat race-result">
        {f.error !== undefined
          ? `error: ${f.error}`
          : f.stoppedBy === 'stopped'
            ? 'stopped'
            : winner
              ? 'winner'
              : marginMs === 0
                ? 'first over the line'
                : marginMs !== null
                  ? `+${seconds(marginMs)}`
                  : `ended by ${f.stoppedBy}`}
      </span>
    </div>
  );
}

function Track({ laneId, axis }: { laneId: string; axis: number }) {
  const lane = useRaceStore((s) => s.lanes[laneId]);
  const startedAt = useRaceStore((s) => s.startedAt ?? 0);
  const words = useAppStore((s) => {
    const l = s.lanes[laneId];
    return l ? backendWords(l, (id) => s.providers.find((p) => p.id === id)?.label) : null;
  });
  const replay = useAppStore((s) => s.lanes[laneId]?.provider === 'replay');
  const winner = useRaceStore((s) => ranking(s)[0]?.laneId === laneId && raceOver(s));
  const marginMs = useRaceStore((s) => {
    const first = ranking(s)[0]?.finish?.totalMs;
    const mine = s.lanes[laneId]?.finish?.totalMs;
    return first !== undefined && mine !== undefined ? mine - first : null;
  });
  const fill = useRef<HTMLDivElement>(null);
  const ticks = useRef<HTMLDivElement>(null);
  const lastAt = lane?.lineAt[lane.lineAt.length - 1];
  const reachedMs = lane?.finish ? lane.finish.totalMs : lastAt !== undefined ? lastAt - startedAt : 0;
  const finishMs = lane?.finish?.totalMs ?? null;
  const lineAt = lane?.lineAt;
  // CSSOM, not a style attribute: the page's CSP has no inline styles. A running lane's fill is the
  // clock loop's to move.
  useLayoutEffect(() => {
    if (fill.current && finishMs !== null) fill.current.style.transform = fillTransform(finishMs, axis);
    const marks = ticks.current?.children;
    if (!marks || !lineAt) return;
    [...marks].forEach((mark, i) => {
      const at = lineAt[i];
      if (mark instanceof HTMLElement && at !== undefined)
        mark.style.left = `${Math.min(100, ((at - startedAt) / axis) * 100).toFixed(2)}%`;
    });
  }, [finishMs, lineAt, axis, startedAt]);
  if (!lane) return null;
  return (
    <div
      className="race-lane"
      data-testid="race-lane"
      data-lane-id={laneId}
      data-turns={lane.turns}
      data-finished={lane.finish !== null}
    >
      <div className="race-lane-head">
        <span className="race-label">{lane.label}</span>
        {replay && (
          <span className="badge race-replay" data-testid="race-replay">
            replay
          </span>
        )}
        <span className="race-spec" title={lane.spec} data-testid="race-backend">
          {words ?? lane.spec}
        </span>
        <span className="race-count" data-testid="race-count">
          {lane.turns} line{lane.turns === 1 ? '' : 's'}
        </span>
        <span className="race-clock" data-testid="race-elapsed" data-race-clock={laneId}>
          {lane.finish ? seconds(lane.finish.totalMs) : '0.0 s'}
        </span>
      </div>
      <div
        className="race-track"
        data-axis-ms={axis}
        aria-label={`${lane.label}: ${lane.turns} lines in ${seconds(reachedMs)}`}
      >
        <div
          ref={fill}
          className={`race-fill${lane.finish ? ' race-fill-done' : ''}`}
          data-race-fill={lane.finish ? undefined : laneId}
        />
        <div ref={ticks} className="race-ticks">
          {lane.lineAt.map((_, i) => (
            <i key={i} className="race-tick" />
          ))}
        </div>
      </div>
      {lane.finish ? (
        <FinishLine lane={lane} winner={winner} marginMs={marginMs} />
      ) : (
        <p className="race-now" data-testid="race-now">
          <span className="race-stat">
            dead air <b className="race-dead-air">{seconds(lane.deadAirMs)}</b>
          </span>
          {lane.speaker !== null && (
            <>
              <b className="race-speaker">{lane.speaker}:</b>{' '}
              <span className="race-line">{lane.lastText}</span>
            </>
          )}
        </p>
      )}
    </div>
  );
}

/**
 * Paints every running lane's clock and fill once per frame while a race runs; asks for a wider
 * axis (`widen`) when the clock nears its end.
 */
function useRaceClock(root: RefObject<HTMLElement | null>, axis: number, widen: (ms: number) => void): void {
  const { race } = useServices();
  useEffect(() => {
    let frame = 0;
    const paint = (): void => {
      const s = race.getState();
      const el = root.current;
      if (el && s.startedAt !== null && !raceOver(s)) {
        const elapsed = performance.now() - s.startedAt;
        if (axisFor(elapsed) > axis) widen(axisFor(elapsed));
        for (const span of el.querySelectorAll<HTMLElement>('[data-race-clock]')) {
          const lane = s.lanes[span.dataset.raceClock!];
          if (lane && lane.finish === null) span.textContent = seconds(elapsed);
        }
        for (const bar of el.querySelectorAll<HTMLElement>('[data-race-fill]')) {
          const lane = s.lanes[bar.dataset.raceFill!];
          if (lane && lane.finish === null) bar.style.transform = fillTransform(elapsed, axis);
        }
      }
      frame = requestAnimationFrame(paint);
    };
    frame = requestAnimationFrame(paint);
    return () => cancelAnimationFrame(frame);
  }, [race, root, axis, widen]);
}

export function RaceView() {
  const root = useRef<HTMLElement>(null);
  const title = useRaceStore((s) => s.title);
  const scenario = useRaceStore((s) => s.scenario);
  const speech = useRaceStore((s) => s.speech);
  const warnings = useRaceStore((s) => s.warnings);
  const laneOrder = useRaceStore((s) => s.laneOrder);
  const startedAt = useRaceStore((s) => s.startedAt);
  const [clockAxis, setClockAxis] = useState({ startedAt, ms: 0 });
  // The clock's axis belongs to one race: a new start begins from the events' axis again.
  const axis = Math.max(useRaceStore(axisMs), clockAxis.startedAt === startedAt ? clockAxis.ms : 0);
  const over = useRaceStore(raceOver);
  const widen = useCallback((ms: number) => setClockAxis({ startedAt, ms }), [startedAt]);
  useRaceClock(root, axis, widen);
  if (laneOrder.length === 0) return null;
  return (
    <section
      ref={root}
      className="race"
      data-testid="race-view"
      data-scenario={scenario ?? ''}
      data-over={over}
      aria-label="Race"
    >
      <header className="race-head">
        <h2 className="race-title">{title}</h2>
        <span className="race-axis">
          track: {seconds(axis).replace('.0 s', ' s')} of race time, one tick per line
        </span>
        {!speech && <span className="badge">text race</span>}
        <Lead />
      </header>
      {warnings.length > 0 && (
        <ul className="race-warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {laneOrder.map((id) => (
        <Track key={id} laneId={id} axis={axis} />
      ))}
    </section>
  );
}

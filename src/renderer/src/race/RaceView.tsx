/**
 * The race view: per lane a track whose fill is lines spoken over the scenario's length, so the
 * faster lane's lead shows as it grows, with the running clock and dead air so far; then each lane's
 * finish line and who won by how much. The clock ticks through refs in one animation-frame loop.
 */
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import { raceOver, ranking, type RaceLane, type RaceState } from './race-store';
import { useRaceStore } from './use-race-store';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function millis(ms: number | null): string {
  return ms === null ? '—' : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/**
 * Lines the track is drawn against: the first clean finisher's count once known, before that a bit
 * more than the leader has spoken (the scenario's length is not known ahead).
 */
function trackLength(s: RaceState): number {
  const done = ranking(s)[0]?.finish?.turns;
  const most = Math.max(0, ...s.laneOrder.map((id) => s.lanes[id]?.turns ?? 0));
  if (done !== undefined) return Math.max(done, most, 1);
  return Math.max(6, most + 2, Math.ceil(most * 1.25));
}

function Lead() {
  const text = useRaceStore((s) => {
    const lanes = s.laneOrder.map((id) => s.lanes[id]!);
    if (lanes.length < 2) return null;
    const ranked = ranking(s);
    if (raceOver(s)) {
      if (ranked.length === 0) return 'no lane finished';
      const [first, second] = ranked;
      if (!second) return `${first!.label} finished; the others did not`;
      return `${first!.label} wins by ${seconds(second.finish!.totalMs - first!.finish!.totalMs)}`;
    }
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
        dead air <b data-testid="race-dead-air">{seconds(f.deadAirMs)}</b>
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
              : marginMs !== null
                ? `+${seconds(marginMs)}`
                : `ended by ${f.stoppedBy}`}
      </span>
    </div>
  );
}

function Track({ laneId, length }: { laneId: string; length: number }) {
  const lane = useRaceStore((s) => s.lanes[laneId]);
  const replay = useAppStore((s) => s.lanes[laneId]?.provider === 'replay');
  const winner = useRaceStore((s) => ranking(s)[0]?.laneId === laneId && raceOver(s));
  const marginMs = useRaceStore((s) => {
    const first = ranking(s)[0]?.finish?.totalMs;
    const mine = s.lanes[laneId]?.finish?.totalMs;
    return first !== undefined && mine !== undefined ? mine - first : null;
  });
  const fill = useRef<HTMLDivElement>(null);
  const share = lane ? Math.min(1, lane.turns / length) : 0;
  // CSSOM, not a style attribute: the page's CSP has no inline styles.
  useLayoutEffect(() => {
    if (fill.current) fill.current.style.transform = `scaleX(${share.toFixed(4)})`;
  }, [share]);
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
        <span className="race-spec" title={lane.spec}>
          {lane.spec}
        </span>
        <span className="race-count" data-testid="race-count">
          {lane.turns} / {length} lines
        </span>
        <span className="race-clock" data-testid="race-elapsed" data-race-clock={laneId}>
          {lane.finish ? seconds(lane.finish.totalMs) : '0.0 s'}
        </span>
      </div>
      <div className="race-track" aria-label={`${lane.label}: ${lane.turns} of ${length} lines`}>
        <div ref={fill} className={`race-fill${lane.finish ? ' race-fill-done' : ''}`} />
      </div>
      {lane.finish ? (
        <FinishLine lane={lane} winner={winner} marginMs={marginMs} />
      ) : (
        <p className="race-now" data-testid="race-now">
          <span className="race-stat">
            dead air <b>{seconds(lane.deadAirMs)}</b>
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

/** Paints every running lane's clock once per frame while a race runs. */
function useRaceClock(root: RefObject<HTMLElement | null>): void {
  const { race } = useServices();
  useEffect(() => {
    let frame = 0;
    const paint = (): void => {
      const s = race.getState();
      const el = root.current;
      if (el && s.startedAt !== null) {
        const elapsed = performance.now() - s.startedAt;
        for (const span of el.querySelectorAll<HTMLElement>('[data-race-clock]')) {
          const lane = s.lanes[span.dataset.raceClock!];
          if (lane && lane.finish === null) span.textContent = seconds(elapsed);
        }
      }
      frame = requestAnimationFrame(paint);
    };
    frame = requestAnimationFrame(paint);
    return () => cancelAnimationFrame(frame);
  }, [race, root]);
}

export function RaceView() {
  const root = useRef<HTMLElement>(null);
  const title = useRaceStore((s) => s.title);
  const scenario = useRaceStore((s) => s.scenario);
  const speech = useRaceStore((s) => s.speech);
  const warnings = useRaceStore((s) => s.warnings);
  const laneOrder = useRaceStore((s) => s.laneOrder);
  const length = useRaceStore(trackLength);
  const over = useRaceStore(raceOver);
  useRaceClock(root);
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
        <Track key={id} laneId={id} length={length} />
      ))}
    </section>
  );
}

import { useEffect } from 'react';
import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import { raceMessage } from './race-actions';
import { raceOver } from './race-store';
import { useRaceStore } from './use-race-store';

/** Typing in a field never starts a race. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The race controls at the top of the app: scenario, start (key R) and stop. */
export function RaceBar() {
  const { send, race } = useServices();
  const connected = useAppStore((s) => s.connection.status === 'open');
  const scenarios = useRaceStore((s) => s.scenarios);
  const errors = useRaceStore((s) => s.scenarioErrors);
  const selected = useRaceStore((s) => s.selected);
  const running = useRaceStore((s) => s.laneOrder.length > 0 && !raceOver(s));

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'r' && e.key !== 'R') return;
      if (e.repeat || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      e.preventDefault();
      send(raceMessage(race.getState().selected));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [send, race]);

  return (
    <div className="race-bar" data-testid="race-bar">
      <button
        type="button"
        className="race-start"
        data-testid="race-start"
        disabled={!connected}
        title="fast vs gpu, spoken (key R)"
        onClick={() => send(raceMessage(selected))}
      >
        ▶ Start {selected} race (R)
      </button>
      <button
        type="button"
        className="race-stop"
        data-testid="race-stop"
        disabled={!connected || !running}
        onClick={() => send({ type: 'scenario.stop' })}
      >
        ■ Stop
      </button>
      <label className="audio-field">
        <span className="field-name">scenario</span>
        <select
          data-testid="race-scenario"
          value={selected}
          onChange={(e) => race.getState().select(e.target.value)}
        >
          {scenarios.length === 0 && <option value={selected}>{selected}</option>}
          {scenarios.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.name} — {s.title}
            </option>
          ))}
        </select>
      </label>
      {errors.length > 0 && (
        <span className="race-warning" data-testid="scenario-errors" title={errors.join('\n')}>
          {errors.length} scenario file{errors.length === 1 ? '' : 's'} did not load
        </span>
      )}
    </div>
  );
}

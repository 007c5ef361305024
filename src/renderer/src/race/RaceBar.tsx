import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import { raceMessage } from './race-actions';
import { raceOver } from './race-store';
import { useRaceStore } from './use-race-store';

/** The race controls at the top of the app: scenario (setup only), start (key R) and stop. */
export function RaceBar({ stage = false }: { stage?: boolean }) {
  const { send, race } = useServices();
  const connected = useAppStore((s) => s.connection.status === 'open');
  const scenarios = useRaceStore((s) => s.scenarios);
  const errors = useRaceStore((s) => s.scenarioErrors);
  const selected = useRaceStore((s) => s.selected);
  const running = useRaceStore((s) => s.laneOrder.length > 0 && !raceOver(s));

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
        title="Stop the race (key Esc)"
        onClick={() => send({ type: 'scenario.stop' })}
      >
        ■ Stop
      </button>
      {!stage && (
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
      )}
      {errors.length > 0 && (
        <span className="race-warning" data-testid="scenario-errors" title={errors.join('\n')}>
          {errors.length} scenario file{errors.length === 1 ? '' : 's'} did not load
        </span>
      )}
    </div>
  );
}

import { useAppStore } from '../store/use-app-store';
import { useLaneOrder } from '../store/use-lane-order';
import { DEFAULT_LANE_SPEC, DEFAULT_LANE_SPEECH, useServices } from './services';
import { ENGINE_ERRORS } from '../store/app-store';
import { ErrorList } from '../lanes/ErrorList';
import { LanePanel } from '../lanes/LanePanel';
import { KeysPanel } from '../lanes/KeysPanel';
import { AudioBar } from './AudioBar';
import { Footer } from './Footer';
import { Overlay } from '../overlay/Overlay';
import { RaceBar } from '../race/RaceBar';
import { RaceView } from '../race/RaceView';
import { Keys } from '../keys/Keys';
import { StageView, useStageKeys, ViewToggle } from '../stage/StageView';
import { useViewMode } from '../stage/view-store';
import { RecordButton, RecordIndicator } from '../record/RecordControl';

/** Lanes that fit side by side on a stage screen. */
export const MAX_VISIBLE_LANES = 4;

export function App() {
  const { send } = useServices();
  const laneOrder = useLaneOrder();
  const ready = useAppStore((s) => s.ready);
  const connected = useAppStore((s) => s.connection.status === 'open');
  // Why the page cannot connect, once the engine's token check said (an out-of-date address, no engine).
  const waiting = useAppStore((s) =>
    s.connection.problem === undefined ? null : (s.connection.reason ?? null),
  );
  const mode = useViewMode();
  useStageKeys();
  return (
    <div className={`app app-${mode}`} data-view={mode}>
      <header className="app-head">
        <h1>Dialtone</h1>
        <p className="tagline">hear the speed of inference</p>
        <ViewToggle />
        {/* In the header on stage and in setup: the header is on screen in both. */}
        <RecordButton />
        {mode === 'setup' && (
          <button
            type="button"
            data-testid="add-lane"
            disabled={!connected || laneOrder.length >= MAX_VISIBLE_LANES}
            onClick={() => send({ type: 'lane.create', spec: DEFAULT_LANE_SPEC, ...DEFAULT_LANE_SPEECH })}
          >
            + lane
          </button>
        )}
      </header>
      <RaceBar stage={mode === 'stage'} />
      {mode === 'stage' ? (
        <>
          <ErrorList laneId={ENGINE_ERRORS} testId="engine-error" />
          {laneOrder.length === 0 ? (
            <p className="placeholder">
              {ready ? 'Creating a lane…' : (waiting ?? 'Connecting to the engine…')}
            </p>
          ) : (
            <StageView />
          )}
        </>
      ) : (
        <>
          <RaceView />
          <AudioBar />
          <ErrorList laneId={ENGINE_ERRORS} testId="engine-error" />
          <main className="lanes" data-lanes={laneOrder.length}>
            {laneOrder.map((laneId) => (
              <LanePanel key={laneId} laneId={laneId} />
            ))}
            {laneOrder.length === 0 && (
              <p className="placeholder">
                {ready ? 'Creating a lane…' : (waiting ?? 'Connecting to the engine…')}
              </p>
            )}
          </main>
          <Overlay />
          <KeysPanel />
        </>
      )}
      <Keys />
      <RecordIndicator />
      <Footer />
    </div>
  );
}

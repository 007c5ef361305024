/**
 * The presenter's layer: the key map (one window listener for the app's life), the key help (`?`),
 * the "press R again" hint, and one bar with the ask-all box and the demo script's strip (current
 * and next step, and why the last step did not run).
 */
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { describeStep, type DemoView } from '../../../shared/demo-script';
import { useServices, type Services } from '../app/services';
import { raceMessage } from '../race/race-actions';
import { raceOver } from '../race/race-store';
import { viewStore } from '../stage/view-store';
import { stageLanes } from '../stage/StageView';
import { appRecorder } from '../record/app-recorder';
import { AskBoth } from './AskBoth';
import { runStep, type StepTarget } from './demo-runner';
import { KEY_HELP, KeyMap } from './key-map';
import { currentDemo, type PresenterActions, type PresenterState } from './presenter-store';

/** Where a `show` step scrolls to, once the view that holds it is up. */
const VIEW_SELECTOR: Record<DemoView, string> = {
  breakdown: '[data-testid="overlay"]',
  stage: '[data-testid="stage-view"], [data-testid="race-bar"]',
  setup: '[data-testid="lane"]',
};

export function usePresenter<T>(selector: (s: PresenterState & PresenterActions) => T): T {
  return useStore(useServices().presenter, selector);
}

/** What demo steps act on: the app's lanes and messages. */
export function stepTarget(services: Services): StepTarget {
  return {
    send: (m) => services.send(m),
    laneOrder: () => services.lanes.getState().laneOrder,
    askLanes() {
      const all = services.lanes.getState().laneOrder;
      return viewStore.getState().mode === 'stage'
        ? stageLanes(all, services.race.getState().laneOrder)
        : all;
    },
    laneLabel: (id) => services.store.getState().lanes[id]?.label,
    noteSending: (id, text) => services.store.getState().noteSending(id, text),
    selectScenario: (name) => services.race.getState().select(name),
    show(view) {
      services.presenter.getState().setView(view);
      // The full breakdown (what-if, roofline) lives in the setup view; the stage shows a compact one.
      viewStore.getState().setMode(view === 'stage' ? 'stage' : 'setup');
      requestAnimationFrame(() =>
        document.querySelector(VIEW_SELECTOR[view])?.scrollIntoView({ behavior: 'smooth', block: 'start' }),
      );
    },
  };
}

function toggleFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  else void document.documentElement.requestFullscreen?.().catch(() => {});
}

export function Keys() {
  const services = useServices();
  const target = useMemo(() => stepTarget(services), [services]);
  useEffect(() => {
    const { presenter, race, voice } = services;
    const keys = new KeyMap(presenter, {
      send: (m) => services.send(m),
      raceRunning: () => {
        const s = race.getState();
        return s.laneOrder.length > 0 && !raceOver(s);
      },
      raceMessage: () => raceMessage(race.getState().selected),
      pushToTalk: () => Object.values(voice.store.getState().lanes).some((l) => l.mode === 'ptt'),
      runStep(index) {
        const step = currentDemo(presenter.getState())?.steps[index];
        return step ? runStep(target, step) : null;
      },
      toggleFullscreen,
      toggleRecording: () => appRecorder(services).toggle(),
      now: () => performance.now(),
    });
    return () => keys.dispose();
  }, [services, target]);
  return (
    <>
      <RestartHint />
      {/* One row at the foot of the screen: the ask-all box and the demo strip (on stage they share it). */}
      <div className="presenter-bar" data-testid="presenter-bar">
        <AskBoth />
        <PresenterStrip />
      </div>
      <HelpPanel />
    </>
  );
}

function RestartHint() {
  const armed = usePresenter((s) => s.restartArmedUntil !== null);
  if (!armed) return null;
  return (
    <p className="restart-hint" role="status" data-testid="restart-hint">
      Press <kbd>R</kbd> again to restart the race
    </p>
  );
}

/** What the presenter strip says: the step just run (or how many there are) and the next one. */
export function stripText(s: PresenterState): { current: string; label: string; next: string } | null {
  const demo = currentDemo(s);
  if (!demo) return null;
  const current = s.stepIndex >= 0 ? demo.steps[s.stepIndex] : undefined;
  const next = demo.steps[s.stepIndex + 1];
  return {
    label: current ? `step ${s.stepIndex + 1}/${demo.steps.length}` : `${demo.steps.length} steps`,
    current: current ? describeStep(current) : 'not started',
    next: next ? describeStep(next) : 'end of the demo',
  };
}

/** The demo script: which one, the step just run and the next (step with PageDown / → / Space). */
export function PresenterStrip() {
  const demos = usePresenter((s) => s.demos);
  const errors = usePresenter((s) => s.demoErrors);
  const demo = usePresenter(currentDemo);
  const index = usePresenter((s) => s.stepIndex);
  const select = usePresenter((s) => s.select);
  const text = usePresenter(useShallow(stripText));
  const problem = usePresenter((s) => s.stepProblem);
  if (!demo || !text) return null;
  return (
    <div className="presenter-strip" data-testid="presenter-strip" aria-label="Demo script" data-step={index}>
      <label className="presenter-demo">
        <span className="field-name">demo</span>
        <select value={demo.name} data-testid="demo-select" onChange={(e) => select(e.target.value)}>
          {demos.map((d) => (
            <option key={d.name} value={d.name}>
              {d.title}
            </option>
          ))}
        </select>
      </label>
      <span className="presenter-step" data-testid="demo-current">
        <span className="presenter-label">{text.label}</span> {text.current}
      </span>
      <span className="presenter-step presenter-next" data-testid="demo-next">
        <span className="presenter-label">next</span> {text.next}
      </span>
      {problem !== null && (
        <span className="presenter-problem" role="alert" data-testid="demo-problem">
          Step {index + 1} did not run: {problem}
        </span>
      )}
      {errors.length > 0 && (
        <span className="race-warning" data-testid="demo-errors" title={errors.join('\n')}>
          {errors.length} demo file{errors.length === 1 ? '' : 's'} did not load
        </span>
      )}
    </div>
  );
}

export function HelpPanel() {
  const open = usePresenter((s) => s.helpOpen);
  const setHelp = usePresenter((s) => s.setHelp);
  if (!open) return null;
  return (
    <div className="key-help" role="dialog" aria-label="Keys" data-testid="key-help">
      <h2>Keys</h2>
      <table>
        <tbody>
          {KEY_HELP.map((k) => (
            <tr key={k.action}>
              <td>
                {k.keys.map((key) => (
                  <kbd key={key}>{key}</kbd>
                ))}
              </td>
              <td>{k.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" data-testid="key-help-close" onClick={() => setHelp(false)}>
        Close <kbd>Esc</kbd>
      </button>
    </div>
  );
}

/**
 * The stage: what a presenter shows the room. The race (when there is one) on top in large type, then
 * the lanes side by side. During and after a race only the race's lanes are on stage, so starting
 * one replaces the lanes rather than squeezing in beside them; the setup view lists every lane.
 */
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/services';
import { useLaneOrder } from '../store/use-lane-order';
import { useAudioStore } from '../store/use-audio-store';
import { RaceView } from '../race/RaceView';
import { showStage, toggleStageView, viewStore } from './view-store';
import { StageLane } from './StageLane';

/** Lanes on stage: the race's lanes that still exist, else every lane. */
export function stageLanes(all: readonly string[], raceLanes: readonly string[]): string[] {
  const racing = raceLanes.filter((id) => all.includes(id));
  return racing.length > 0 ? racing : [...all];
}

export function useStageLanes(): string[] {
  const { race } = useServices();
  const all = useLaneOrder();
  const raceLanes = useStore(race, (s) => s.laneOrder);
  return useMemo(() => stageLanes(all, raceLanes), [all, raceLanes]);
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Key S toggles stage and setup; a race starting shows the stage. */
export function useStageKeys(): void {
  const { race } = useServices();
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 's' && e.key !== 'S') return;
      if (e.repeat || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      e.preventDefault();
      toggleStageView();
    };
    window.addEventListener('keydown', onKey);
    const unsubscribe = race.subscribe((s, prev) => {
      if (s.startedAt !== null && s.startedAt !== prev.startedAt) showStage();
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      unsubscribe();
    };
  }, [race]);
}

/** Browsers keep sound off until a click: the stage offers that click, and nothing else of the audio setup. */
function EnableAudio() {
  const { voice } = useServices();
  const context = useAudioStore((s) => s.context);
  if (context === 'running' || context === 'unavailable') return null;
  return (
    <button
      type="button"
      className="enable-audio stage-enable-audio"
      data-testid="enable-audio"
      onClick={() => voice.enableAudio()}
    >
      Enable audio
    </button>
  );
}

export function StageView() {
  const lanes = useStageLanes();
  return (
    <div className="stage" data-testid="stage-view">
      <EnableAudio />
      <RaceView />
      <main className="lanes stage-lanes" data-lanes={lanes.length}>
        {lanes.map((laneId) => (
          <StageLane key={laneId} laneId={laneId} />
        ))}
      </main>
    </div>
  );
}

/** The button that switches views (key S). */
export function ViewToggle() {
  const mode = useStore(viewStore, (s) => s.mode);
  return (
    <button
      type="button"
      className="view-toggle"
      data-testid="view-toggle"
      data-mode={mode}
      title="Switch between the stage and the setup (key S)"
      onClick={toggleStageView}
    >
      {mode === 'stage' ? 'Setup (S)' : 'Stage (S)'}
    </button>
  );
}

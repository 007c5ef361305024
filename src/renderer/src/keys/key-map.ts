/**
 * The app's keys, in one place and one window listener (added by the constructor, removed by
 * `dispose()`). A key typed into a text field is never taken. Push-to-talk (audio/push-to-talk.ts)
 * keeps its own Space listener; Space steps the demo only when no lane is in push-to-talk mode.
 */
import { isTextField } from '../audio/push-to-talk';
import type { ClientMessage } from '../../../shared/protocol';
import { currentDemo, type PresenterStore } from './presenter-store';

/** A second R within this long restarts a running race. */
export const RESTART_WINDOW_MS = 2_000;

/** Every key, for the help panel (`?`). */
export const KEY_HELP: ReadonlyArray<{ keys: string[]; action: string }> = [
  { keys: ['?'], action: 'Show or hide this list of keys' },
  { keys: ['F'], action: 'Full screen on or off' },
  { keys: ['R'], action: 'Start the race; while one runs, press R twice to restart it' },
  { keys: ['Esc'], action: 'Stop the race (no race: cancel the reply of the lane you are in)' },
  { keys: ['PageDown', '→', 'Space'], action: 'Next step of the demo script (clicker)' },
  { keys: ['PageUp', '←'], action: 'Back one step of the demo script (runs nothing)' },
  { keys: ['S'], action: 'Stage view or setup view' },
  {
    keys: ['V'],
    action: 'Record a video of the stage with its sound and subtitles; V again stops and saves it',
  },
  { keys: ['Space (held)'], action: 'Push-to-talk, on lanes whose microphone is in push-to-talk mode' },
  { keys: ['Enter'], action: 'Send the typed message (Shift+Enter: new line)' },
];

export interface KeyTarget {
  send(message: ClientMessage): boolean;
  raceRunning(): boolean;
  /** The race R starts (the scenario picked in the race bar). */
  raceMessage(): ClientMessage;
  /** Some lane's microphone is in push-to-talk mode (Space is then push-to-talk, not a step). */
  pushToTalk(): boolean;
  /** Runs the step at `index` of the current script; returns a problem or null. */
  runStep(index: number): string | null;
  toggleFullscreen(): void;
  /** Starts a recording, or stops and saves the one running. */
  toggleRecording(): void;
  now(): number;
}

export class KeyMap {
  private readonly keyDown = (e: Event): void => this.onKey(e as KeyboardEvent);
  private disarm: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly presenter: PresenterStore,
    private readonly app: KeyTarget,
    private readonly target: EventTarget = window,
  ) {
    target.addEventListener('keydown', this.keyDown);
  }

  dispose(): void {
    this.target.removeEventListener('keydown', this.keyDown);
    if (this.disarm !== null) clearTimeout(this.disarm);
  }

  /** The next step of the demo script (PageDown / → / Space). */
  step(delta: 1 | -1): void {
    const s = this.presenter.getState();
    const demo = currentDemo(s);
    if (!demo) return;
    const index = s.stepIndex + delta;
    if (index < -1 || index >= demo.steps.length) return;
    s.setStep(index);
    if (delta !== 1) return;
    // A step that could not run says why on the strip until the next step (setStep clears it).
    const problem = this.app.runStep(index);
    if (problem !== null) this.presenter.getState().setStepProblem(problem);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey || isTextField(e.target)) return;
    const handled = this.handle(e);
    if (handled) e.preventDefault();
  }

  private handle(e: KeyboardEvent): boolean {
    const s = this.presenter.getState();
    switch (e.key) {
      case '?':
        s.setHelp(!s.helpOpen);
        return true;
      case 'Escape':
        if (s.helpOpen) {
          s.setHelp(false);
          return true;
        }
        if (!this.app.raceRunning()) return false; // the lane's own Esc cancels its turn
        this.app.send({ type: 'scenario.stop' });
        this.armRestart(null);
        return true;
      case 'f':
      case 'F':
        if (e.repeat) return true;
        this.app.toggleFullscreen();
        return true;
      case 'v':
      case 'V':
        if (!e.repeat) this.app.toggleRecording();
        return true;
      case 'r':
      case 'R':
        if (!e.repeat) this.pressR();
        return true;
      case 'PageDown':
      case 'ArrowRight':
        if (!e.repeat) this.step(1);
        return true;
      case 'PageUp':
      case 'ArrowLeft':
        if (!e.repeat) this.step(-1);
        return true;
      case ' ':
        if (this.app.pushToTalk()) return false;
        if (!e.repeat) this.step(1);
        return true;
      default:
        return false;
    }
  }

  private pressR(): void {
    const armed = this.presenter.getState().restartArmedUntil;
    const now = this.app.now();
    if (!this.app.raceRunning() || (armed !== null && now <= armed)) {
      this.armRestart(null);
      this.app.send(this.app.raceMessage());
      return;
    }
    this.armRestart(now + RESTART_WINDOW_MS);
  }

  private armRestart(until: number | null): void {
    if (this.disarm !== null) clearTimeout(this.disarm);
    this.disarm = null;
    this.presenter.getState().armRestart(until);
    if (until !== null) {
      this.disarm = setTimeout(() => {
        if (this.presenter.getState().restartArmedUntil === until) this.presenter.getState().armRestart(null);
      }, RESTART_WINDOW_MS);
    }
  }
}

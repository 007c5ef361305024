/**
 * Push-to-talk: Space held down is the turn for every lane in `ptt` mode. Each edge goes to the
 * engine as `mic.ptt` with its engine-clock time; the window losing focus lets go of the key. The
 * key listeners live on `target` (the window) until `dispose()`.
 */
import type { AudioStore } from '../store/audio-store';
import type { VoiceLink } from './voice-link';

/** Input types where Space does not type a character. */
const NON_TEXT_INPUTS = ['checkbox', 'radio', 'range', 'button'];

/** Focus is somewhere a key types a character (push-to-talk and the key map must not steal it). */
export function isTextField(target: EventTarget | null): boolean {
  if (target === null || !('tagName' in target)) return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  switch (el.tagName) {
    case 'TEXTAREA':
    case 'SELECT':
      return true;
    case 'INPUT':
      return !NON_TEXT_INPUTS.includes((el as HTMLInputElement).type);
    default:
      return false;
  }
}

export class PushToTalk {
  private held = false;
  private readonly keyDown = (e: Event): void => this.onKey(e as KeyboardEvent, true);
  private readonly keyUp = (e: Event): void => this.onKey(e as KeyboardEvent, false);
  private readonly blur = (): void => this.set(false);

  constructor(
    private readonly store: AudioStore,
    private readonly link: Pick<VoiceLink, 'send' | 'offsetMs'>,
    private readonly target: EventTarget = window,
  ) {
    target.addEventListener('keydown', this.keyDown);
    target.addEventListener('keyup', this.keyUp);
    target.addEventListener('blur', this.blur);
  }

  dispose(): void {
    this.target.removeEventListener('keydown', this.keyDown);
    this.target.removeEventListener('keyup', this.keyUp);
    this.target.removeEventListener('blur', this.blur);
  }

  private onKey(e: KeyboardEvent, down: boolean): void {
    if (e.code !== 'Space' || isTextField(e.target)) return;
    if (!Object.values(this.store.getState().lanes).some((l) => l.mode === 'ptt')) return;
    e.preventDefault();
    if (e.repeat) return;
    this.set(down);
  }

  /** Presses (true) or lets go of push-to-talk, as Space does (the ask-all button holds it too). */
  set(down: boolean): void {
    if (this.held === down) return;
    this.held = down;
    const atMs = performance.now() + (this.link.offsetMs() ?? 0);
    for (const [laneId, view] of Object.entries(this.store.getState().lanes)) {
      if (view.mode !== 'ptt') continue;
      this.store.getState().patchLane(laneId, { pttDown: down });
      this.link.send({ type: 'mic.ptt', laneId, down, atMs });
    }
  }
}

/**
 * The page's AudioContext, set up once: the audio system (or, when the browser refuses one, the
 * reason in the audio store), the context's state mirrored into the store, the worklets loaded, and
 * the output device and the microphone's place in the mix.
 */
import type { AudioStore } from '../store/audio-store';
import { errorMessage } from '../../../shared/error-message';
import { AudioSystem } from './audio-system';

export class AudioSetup {
  /** Null when the page cannot have audio (the store says why). */
  readonly system: AudioSystem | null;
  /** Resolves true once the worklets are loaded; false when audio is unavailable. */
  readonly ready: Promise<boolean>;
  private readonly syncState = (): void => {
    if (this.system) this.store.getState().patch({ context: this.system.ctx.state });
  };

  constructor(private readonly store: AudioStore) {
    let system: AudioSystem | null = null;
    try {
      system = new AudioSystem();
    } catch (err) {
      store
        .getState()
        .patch({ context: 'unavailable', contextError: `Audio is unavailable: ${errorMessage(err)}` });
    }
    this.system = system;
    if (!system) {
      this.ready = Promise.resolve(false);
      return;
    }
    system.ctx.addEventListener('statechange', this.syncState);
    this.syncState();
    store.getState().patch({ sinkSupported: system.sinkSupported });
    this.ready = system.ready.then(
      () => true,
      (err: unknown) => {
        store.getState().patch({
          context: 'unavailable',
          contextError: `Audio worklets failed to load: ${errorMessage(err)}`,
        });
        return false;
      },
    );
  }

  /** Resume the audio context; call from a user gesture. */
  enable(): void {
    void this.system?.resume();
  }

  setMicInMix(on: boolean): void {
    this.store.getState().patch({ micInMix: on });
    this.system?.setMicInMix(on);
  }

  async setOutput(deviceId: string): Promise<void> {
    const previous = this.store.getState().outputId;
    this.store.getState().patch({ outputId: deviceId });
    try {
      await this.system?.setSink(deviceId);
    } catch (err) {
      this.store.getState().patch({
        outputId: previous,
        contextError: `Could not switch the output: ${errorMessage(err)}`,
      });
    }
  }

  dispose(): void {
    if (!this.system) return;
    this.system.ctx.removeEventListener('statechange', this.syncState);
    void this.system.close();
  }
}

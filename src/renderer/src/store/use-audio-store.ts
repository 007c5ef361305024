import { useStore } from 'zustand';
import { useServices } from '../app/services';
import type { AudioActions, AudioState } from './audio-store';

/** Binds a component to a slice of the audio store; the selector must return a stable value. */
export function useAudioStore<T>(selector: (state: AudioState & AudioActions) => T): T {
  return useStore(useServices().voice.store, selector);
}

import { useStore } from 'zustand';
import { useServices } from '../app/services';
import type { AppActions, AppState } from './app-store';

/** Binds a component to a slice of the app store; the selector must return a stable value. */
export function useAppStore<T>(selector: (state: AppState & AppActions) => T): T {
  return useStore(useServices().store, selector);
}

/**
 * Whether the app is recording, outside React: the key, the buttons and the REC indicator read it;
 * the recorder (app-recorder.ts) alone writes it.
 */
import { createStore } from 'zustand/vanilla';

export type RecordPhase = 'idle' | 'starting' | 'recording' | 'saving';

export interface RecordState {
  phase: RecordPhase;
  /** Page time the recording started (the indicator's elapsed time counts from it). */
  startedAtPerfMs: number | null;
  /** Where the last recording went ("Saved to ~/Videos/Dialtone/…"); null before one. */
  saved: string | null;
  /** Why the last start or save failed, in one line. */
  error: string | null;
}

export type RecordStore = ReturnType<typeof createRecordStore>;

export function createRecordStore() {
  return createStore<RecordState>()(() => ({
    phase: 'idle',
    startedAtPerfMs: null,
    saved: null,
    error: null,
  }));
}

/** 42_000 → "0:42", 3_723_000 → "62:03". */
export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

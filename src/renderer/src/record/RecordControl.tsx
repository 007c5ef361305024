/**
 * The Record button (in the header, so on stage and in setup), the REC indicator with its elapsed time (fixed on
 * screen while recording, in both views), and the line saying where the files went. The elapsed
 * time is written into the indicator four times a second through a ref, not through React state.
 */
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/services';
import { appRecorder } from './app-recorder';
import { elapsedText } from './record-store';
import './record.css';

function useRecorder() {
  const recorder = appRecorder(useServices());
  return { recorder, state: useStore(recorder.store) };
}

const LABELS = {
  idle: '● Record (V)',
  starting: '● Starting…',
  recording: '■ Stop recording (V)',
  saving: 'Saving…',
} as const;

export function RecordButton() {
  const { recorder, state } = useRecorder();
  return (
    <button
      type="button"
      className="record-button"
      data-testid="record-button"
      data-phase={state.phase}
      disabled={state.phase === 'starting' || state.phase === 'saving'}
      title="Record the race as a video with its sound and subtitles (key V)"
      onClick={() => recorder.toggle()}
    >
      {LABELS[state.phase]}
    </button>
  );
}

export function RecordIndicator() {
  const { state } = useRecorder();
  const time = useRef<HTMLSpanElement>(null);
  const { startedAtPerfMs, phase } = state;
  useEffect(() => {
    if (startedAtPerfMs === null) return;
    const paint = (): void => {
      if (time.current) time.current.textContent = elapsedText(performance.now() - startedAtPerfMs);
    };
    paint();
    const timer = setInterval(paint, 250);
    return () => clearInterval(timer);
  }, [startedAtPerfMs]);
  return (
    <>
      {(phase === 'recording' || phase === 'saving') && (
        <p className="rec-indicator" role="status" data-testid="rec-indicator" data-phase={phase}>
          <span className="rec-dot" aria-hidden="true" />
          {phase === 'recording' ? 'REC' : 'SAVING'} <span ref={time}>0:00</span>
        </p>
      )}
      {phase === 'idle' && (state.saved !== null || state.error !== null) && (
        <p
          className="record-status"
          role={state.error !== null ? 'alert' : 'status'}
          data-testid="record-status"
          data-kind={state.error !== null ? 'error' : 'saved'}
        >
          {state.error ?? state.saved}
        </p>
      )}
    </>
  );
}

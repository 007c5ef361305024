import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import type { ErrorView } from '../store/app-store';

const NONE: ErrorView[] = [];

function retryText(ms: number | undefined): string {
  return ms === undefined ? '' : ` Retry after ${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s.`;
}

/** A speech model the cache lacks: the recogniser's or the voice's. */
function modelMissing(e: ErrorView): boolean {
  return (e.stage === 'stt' || e.stage === 'tts') && /\bnot downloaded\b/.test(e.message);
}

/** The entry's heading: plain words for a speech model not downloaded, else stage and code. */
export function errorTitle(e: ErrorView): string {
  if (modelMissing(e))
    return e.stage === 'stt' ? 'Speech recognition model not downloaded' : 'Voice model not downloaded';
  return `${e.stage} · ${e.code}`;
}

/** What to do next, in words: the same again may work, or something named by the stage must change. */
export function hint(e: ErrorView): string {
  if (modelMissing(e))
    return e.stage === 'stt'
      ? 'Press Download on this lane, or type: the lane still answers typed messages.'
      : "Press Download on this lane, or pick espeak: the reply's text still arrives.";
  if (e.retryable) return `Send again, or switch the backend.${retryText(e.retryAfterMs)}`;
  switch (e.stage) {
    case 'llm':
    case 'lane':
      return 'Change the backend or its spec (key, URL, model), then send again.';
    case 'stt':
      return 'Pick another speech-in, or type: the lane still answers typed messages.';
    case 'tts':
      return "Pick another voice: the reply's text still arrives.";
    case 'vad':
    case 'audio':
      return 'Turn the microphone off and type, or pick another input.';
    default:
      return 'The lane still works; what failed is named above.';
  }
}

/** Errors of one lane (or of the engine, laneId ''), each dismissible. */
export function ErrorList({ laneId, testId }: { laneId: string; testId: string }) {
  const { store } = useServices();
  const errors = useAppStore((s) => s.errors[laneId] ?? NONE);
  if (errors.length === 0) return null;
  return (
    <div className="errors">
      {errors.map((e) => (
        <div
          key={e.id}
          className={`error ${e.retryable ? 'retryable' : 'needs-change'}`}
          role="alert"
          data-testid={testId}
          data-code={e.code}
          data-retryable={String(e.retryable)}
        >
          <div className="error-body">
            <strong className="error-code" title={`${e.stage} · ${e.code}`}>
              {errorTitle(e)}
            </strong>{' '}
            {e.count > 1 && (
              <span className="error-count" data-testid={`${testId}-count`} aria-label={`${e.count} times`}>
                ×{e.count}
              </span>
            )}{' '}
            <span className="error-message">{e.message}</span>
            <div className="error-hint">{hint(e)}</div>
          </div>
          <button
            type="button"
            className="dismiss"
            aria-label="Dismiss"
            data-testid={`${testId}-dismiss`}
            onClick={() => store.getState().dismissError(laneId, e.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

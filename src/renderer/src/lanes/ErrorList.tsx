import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import type { ErrorView } from '../store/app-store';

const NONE: ErrorView[] = [];

function retryText(ms: number | undefined): string {
  return ms === undefined ? '' : ` Retry after ${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s.`;
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
          className={`error ${e.recoverable ? 'recoverable' : 'fatal'}`}
          role="alert"
          data-testid={testId}
          data-code={e.code}
          data-recoverable={String(e.recoverable)}
        >
          <div className="error-body">
            <strong className="error-code">
              {e.stage} · {e.code}
            </strong>{' '}
            <span className="error-message">{e.message}</span>
            <div className="error-hint">
              {e.recoverable
                ? `The lane still works: send again or change the backend.${retryText(e.retryAfterMs)}`
                : 'This lane cannot continue: change its backend or reload.'}
            </div>
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

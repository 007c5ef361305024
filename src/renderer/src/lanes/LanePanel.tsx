import type { KeyboardEvent } from 'react';
import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import { useLaneOrder } from '../store/use-lane-order';
import { BackendPicker } from './BackendPicker';
import { Composer } from './Composer';
import { Conversation } from './Conversation';
import { ErrorList } from './ErrorList';
import { Figures } from './Figures';
import { VoicePanel } from './VoicePanel';

/** One lane: a conversation with one backend, its figures and its controls. Several sit side by side. */
export function LanePanel({ laneId }: { laneId: string }) {
  const { send } = useServices();
  const lane = useAppStore((s) => s.lanes[laneId]);
  const turn = useAppStore((s) => s.turns[laneId]);
  const connected = useAppStore((s) => s.connection.status === 'open');
  const soleLane = useLaneOrder().length <= 1;
  if (!lane) return null;
  // Listening with the mic on is not busy: the user can still type.
  const busy =
    (lane.state !== 'idle' && lane.state !== 'listening') ||
    turn?.status === 'sending' ||
    turn?.status === 'running';
  const cancel = (): void => {
    send({ type: 'turn.cancel', laneId });
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && busy) {
      e.preventDefault();
      cancel();
    }
  };
  return (
    <section
      className="lane"
      data-testid="lane"
      data-lane-id={laneId}
      data-state={lane.state}
      aria-label={`Lane ${lane.label}`}
      onKeyDown={onKeyDown}
    >
      <header className="lane-head">
        <h2 className="lane-label">{lane.label}</h2>
        <span className="lane-model" title={lane.spec}>
          {lane.provider} · {lane.model}
        </span>
        <span className={`badge state-${lane.state}`} data-testid="lane-state">
          {lane.state}
        </span>
        <button
          type="button"
          className="reset-lane"
          data-testid="reset-lane"
          title="Forget this lane's conversation (keeps the backend)"
          disabled={!connected || (lane.history.length === 0 && !turn)}
          onClick={() => send({ type: 'lane.reset', laneId })}
        >
          Clear
        </button>
        {!soleLane && (
          <button
            type="button"
            className="remove-lane"
            aria-label={`Remove lane ${lane.label}`}
            data-testid="remove-lane"
            onClick={() => send({ type: 'lane.remove', laneId })}
          >
            ×
          </button>
        )}
      </header>
      <BackendPicker key={lane.spec} lane={lane} />
      <Figures laneId={laneId} />
      <VoicePanel lane={lane} />
      <ErrorList laneId={laneId} testId="lane-error" />
      <Conversation lane={lane} turn={turn} />
      <Composer laneId={laneId} busy={busy} connected={connected} onCancel={cancel} />
    </section>
  );
}

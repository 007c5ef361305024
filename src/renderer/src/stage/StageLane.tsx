import { useServices } from '../app/services';
import { Composer } from '../lanes/Composer';
import { Conversation } from '../lanes/Conversation';
import { ErrorList } from '../lanes/ErrorList';
import { ModelDownload } from '../lanes/ModelDownload';
import { useAppStore } from '../store/use-app-store';
import { useAudioStore } from '../store/use-audio-store';
import { backendWords } from './backend-words';
import { SilenceBreakdown, WaitingCounter } from './StageFigures';

/** The words the speaker is saying, as recognized so far (replaced by the sent message at the end). */
function LiveWords({ laneId }: { laneId: string }) {
  const partial = useAudioStore((s) => s.lanes[laneId]?.partial ?? '');
  if (partial === '') return null;
  return (
    <p className="stage-live-words" data-testid="stage-partial" aria-live="polite">
      {partial}…
    </p>
  );
}

/**
 * A lane as the audience sees it: its name and backend in plain words, how long the listener has
 * been waiting, the transcript in large type, the words being spoken as they are recognized, where the last silence went, and the composer; a
 * missing speech model with its Download. No pickers, knobs or spec fields: those are in the setup view.
 */
export function StageLane({ laneId }: { laneId: string }) {
  const { send } = useServices();
  const lane = useAppStore((s) => s.lanes[laneId]);
  const turn = useAppStore((s) => s.turns[laneId]);
  const providers = useAppStore((s) => s.providers);
  const connected = useAppStore((s) => s.connection.status === 'open');
  if (!lane) return null;
  const busy =
    (lane.state !== 'idle' && lane.state !== 'listening') ||
    turn?.status === 'sending' ||
    turn?.status === 'running';
  const words = backendWords(lane, (id) => providers.find((p) => p.id === id)?.label);
  return (
    <section
      className="lane stage-lane"
      data-testid="lane"
      data-lane-id={laneId}
      data-state={lane.state}
      aria-label={`Lane ${lane.label}`}
    >
      <header className="stage-lane-head">
        <h2 className="stage-lane-name" data-testid="stage-lane-name">
          {lane.label}
        </h2>
        <span className="stage-backend stage-label" data-testid="stage-backend">
          {words}
        </span>
        <WaitingCounter laneId={laneId} />
      </header>
      {/* A speech model the lane lacks is said before anyone speaks, with Download or a way round it. */}
      <ModelDownload laneId={laneId} />
      <ErrorList laneId={laneId} testId="lane-error" />
      <Conversation lane={lane} turn={turn} />
      <LiveWords laneId={laneId} />
      <SilenceBreakdown laneId={laneId} />
      <Composer
        laneId={laneId}
        busy={busy}
        connected={connected}
        onCancel={() => send({ type: 'turn.cancel', laneId })}
      />
    </section>
  );
}

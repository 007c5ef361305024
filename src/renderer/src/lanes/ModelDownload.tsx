import { useServices } from '../app/services';
import type { ModelNeedView } from '../store/app-store';
import { useAppStore } from '../store/use-app-store';

/** Decimal megabytes, as download sizes are quoted: one decimal below 10 MB. */
function megabytes(bytes: number, round: (n: number) => number): string {
  const mb = bytes / 1e6;
  return mb < 10 ? (round(mb * 10) / 10).toFixed(1) : String(round(mb));
}

/** What the lane falls back to instead of a model it lacks: typing, or the bundled voice. */
const INSTEAD = {
  stt: { label: 'type instead', spec: 'typed' },
  tts: { label: 'espeak instead', spec: 'espeak:voice=en-us' },
} as const;

/**
 * A lane's model download (first use of a local voice or recogniser): which model, how far, as text
 * and a bar, with Cancel. Before it: the model the lane's speech needs and the cache lacks, said once,
 * with Download (or Resume) and a way to do without it. Progress arrives a few times a second at most,
 * so a plain selector is enough.
 */
export function ModelDownload({ laneId }: { laneId: string }) {
  const { send } = useServices();
  const download = useAppStore((s) => s.downloads[laneId]);
  const needs = useAppStore((s) => s.modelNeeds[laneId]);
  if (download) {
    const { modelId, file, bytes, total } = download;
    // Done bytes round down: the line never shows the download further along than it is.
    const text = `Downloading ${modelId} — ${megabytes(bytes, Math.floor)} of ${megabytes(total, Math.round)} MB`;
    return (
      <div className="model-download" title={file}>
        <span className="model-download-text" data-testid="model-download-text">
          {text}
        </span>
        <progress
          data-testid="model-download"
          aria-label={`Downloading ${modelId}`}
          value={bytes}
          max={total}
        />
        <button
          type="button"
          data-testid="model-cancel"
          onClick={() => send({ type: 'model.cancel', modelId })}
        >
          Cancel
        </button>
      </div>
    );
  }
  if (!needs) return null;
  return (
    <>
      {(['stt', 'tts'] as const).map((stage) => {
        const need = needs[stage];
        return need ? (
          <ModelNeed
            key={stage}
            need={need}
            instead={INSTEAD[stage]}
            onFetch={() => send({ type: 'model.fetch', modelId: need.modelId, laneId })}
            onInstead={() => send({ type: 'lane.speech', laneId, [stage]: INSTEAD[stage].spec })}
          />
        ) : null;
      })}
    </>
  );
}

function ModelNeed(props: {
  need: ModelNeedView;
  instead: { label: string };
  onFetch: () => void;
  onInstead: () => void;
}) {
  const { need, instead } = props;
  const resume = need.resumeBytes !== undefined && need.resumeBytes > 0;
  return (
    <div className="model-needed" role="status" data-testid="model-needed" data-model={need.modelId}>
      <span className="model-needed-text" data-testid="model-needed-text">
        {need.message}
      </span>
      {need.error !== undefined && (
        <span className="model-needed-error" data-testid="model-needed-error">
          The download stopped: {need.error}
        </span>
      )}
      <button type="button" data-testid="model-fetch" onClick={props.onFetch}>
        {resume
          ? `Resume download (${megabytes(need.resumeBytes ?? 0, Math.floor)} of ${megabytes(need.sizeBytes, Math.round)} MB)`
          : 'Download'}
      </button>
      <button type="button" data-testid="model-instead" onClick={props.onInstead}>
        {instead.label}
      </button>
    </div>
  );
}

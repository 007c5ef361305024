import { useAppStore } from '../store/use-app-store';

/** Decimal megabytes, as download sizes are quoted: one decimal below 10 MB. */
function megabytes(bytes: number, round: (n: number) => number): string {
  const mb = bytes / 1e6;
  return mb < 10 ? (round(mb * 10) / 10).toFixed(1) : String(round(mb));
}

/**
 * A lane's model download (first use of a local voice or recogniser): which model, how far, as text
 * and a bar. Progress arrives a few times a second at most, so a plain selector is enough.
 */
export function ModelDownload({ laneId }: { laneId: string }) {
  const download = useAppStore((s) => s.downloads[laneId]);
  if (!download) return null;
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
    </div>
  );
}

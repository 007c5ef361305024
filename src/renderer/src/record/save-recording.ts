/**
 * Where a recording's files go: in Electron, the main process writes them to `~/Videos/Dialtone/`
 * (`window.dialtone.saveRecording`, checked there); in web mode, the browser downloads them, one
 * after another. Answers the line the page shows.
 */
import type { DialtoneApi, RecordingFile } from '../../../shared/preload-api';
import { download } from '../overlay/export';

/** Between two downloads: browsers take a burst of downloads from one click less kindly. */
const DOWNLOAD_SPACING_MS = 250;

const TYPES: Record<string, string> = {
  webm: 'video/webm',
  wav: 'audio/wav',
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  json: 'application/json',
};

const bridge = (): DialtoneApi | undefined => (window as unknown as { dialtone?: DialtoneApi }).dialtone;

export async function saveRecording(files: RecordingFile[]): Promise<string> {
  const api = bridge();
  if (api?.saveRecording) {
    const saved = await api.saveRecording(files);
    const [first, ...rest] = saved.names;
    const others = rest.map((n) => n.slice(n.lastIndexOf('.'))).join(', ');
    return `Saved to ${saved.folder}/${first ?? ''}${others ? ` (and ${others})` : ''}`;
  }
  for (const [i, file] of files.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, DOWNLOAD_SPACING_MS));
    const ext = file.name.slice(file.name.lastIndexOf('.') + 1);
    download(
      new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: TYPES[ext] ?? 'application/octet-stream' }),
      file.name,
    );
  }
  const [first, ...rest] = files.map((f) => f.name);
  return `Downloaded ${first ?? ''}${rest.length ? ` (and ${rest.map((n) => n.slice(n.lastIndexOf('.'))).join(', ')})` : ''}`;
}

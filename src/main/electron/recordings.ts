/**
 * Writes a recording made in the app (`saveRecording`) to `~/Videos/Dialtone/`. The page sends names
 * and bytes; everything about them is checked here, in the main process: a plain basename with one
 * of the recording's extensions (no path, no hidden file), one base name for the whole set, a
 * bounded count and size. An existing file is never overwritten: the set gets `-2`, `-3`, … instead.
 */
import { mkdir, open, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { IpcMain } from 'electron';
import { IPC_CHANNELS, type RecordingFile, type SavedRecording } from '../../shared/preload-api';
import { isTrustedSender } from './ipc';

/** The files a recording is made of. */
export const RECORDING_EXTENSIONS = ['webm', 'wav', 'vtt', 'srt', 'json'] as const;
/** Largest single file accepted, bytes (a WAV of over three hours; a 1080p WebM of well over an hour). */
export const MAX_RECORDING_FILE_BYTES = 2 ** 31 - 1;
/** Suffixes tried before giving up on a free name. */
const MAX_SUFFIX = 999;

const NAME = new RegExp(`^([A-Za-z0-9][A-Za-z0-9_-]{0,119})\\.(${RECORDING_EXTENSIONS.join('|')})$`);

export class RecordingSaveError extends Error {}

interface CheckedFile {
  base: string;
  ext: string;
  bytes: Uint8Array;
}

function check(files: unknown): CheckedFile[] {
  if (!Array.isArray(files) || files.length === 0) {
    throw new RecordingSaveError('Nothing to save: the recording has no files.');
  }
  if (files.length > RECORDING_EXTENSIONS.length) {
    throw new RecordingSaveError(`A recording is at most ${RECORDING_EXTENSIONS.length} files.`);
  }
  const checked = files.map((f: unknown): CheckedFile => {
    const { name, bytes } = (f ?? {}) as Partial<RecordingFile>;
    const match = typeof name === 'string' ? NAME.exec(name) : null;
    if (!match) {
      throw new RecordingSaveError(
        `"${String(name).slice(0, 80)}" is not a recording file name (a plain name ending .${RECORDING_EXTENSIONS.join(', .')}).`,
      );
    }
    if (!(bytes instanceof Uint8Array)) throw new RecordingSaveError(`${name} has no bytes.`);
    if (bytes.byteLength > MAX_RECORDING_FILE_BYTES) throw new RecordingSaveError(`${name} is too large.`);
    return { base: match[1]!, ext: match[2]!, bytes };
  });
  if (new Set(checked.map((f) => f.base)).size !== 1) {
    throw new RecordingSaveError("A recording's files share one name (only the extension differs).");
  }
  if (new Set(checked.map((f) => f.ext)).size !== checked.length) {
    throw new RecordingSaveError('A recording has one file of each kind.');
  }
  return checked;
}

/** `/home/ada/Videos/Dialtone` → `~/Videos/Dialtone`. */
export function shownFolder(folder: string, home = homedir()): string {
  return folder === home || folder.startsWith(home + path.sep) ? `~${folder.slice(home.length)}` : folder;
}

/**
 * Writes the set under the first base name none of whose files exists (`name`, `name-2`, …). Each
 * file is created exclusively (`wx`), so a file that appears meanwhile is not overwritten either: the
 * files written so far are removed and the next suffix is tried.
 */
export async function saveRecordingFiles(folder: string, files: unknown): Promise<SavedRecording> {
  const checked = check(files);
  await mkdir(folder, { recursive: true });
  const base = checked[0]!.base;
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    const written: string[] = [];
    try {
      for (const f of checked) {
        const file = path.join(folder, `${name}.${f.ext}`);
        const handle = await open(file, 'wx');
        written.push(file);
        try {
          await handle.writeFile(f.bytes);
        } finally {
          await handle.close();
        }
      }
      return { folder: shownFolder(folder), names: checked.map((f) => `${name}.${f.ext}`) };
    } catch (err) {
      await Promise.all(written.map((file) => unlink(file).catch(() => {})));
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new RecordingSaveError(
          `The recording could not be written to ${folder}: ${(err as Error).message}`,
        );
      }
    }
  }
  throw new RecordingSaveError(`No free name for ${base} in ${folder}.`);
}

/** Answers `saveRecording()` for our own pages only. Returns a function that removes the handler. */
export function registerSaveRecordingHandler(
  ipcMain: IpcMain,
  folder: string,
  allowedOrigins: readonly string[],
): () => void {
  ipcMain.handle(IPC_CHANNELS.saveRecording, async (event, files: unknown) => {
    if (!isTrustedSender(event, allowedOrigins)) {
      throw new Error('Dialtone refused to save the recording: the request did not come from its own page.');
    }
    return saveRecordingFiles(folder, files);
  });
  return () => ipcMain.removeHandler(IPC_CHANNELS.saveRecording);
}

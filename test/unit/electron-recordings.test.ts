/**
 * Saving a recording made in the app (Electron), with `electron`'s ipcMain stood in for: the set is
 * written to the videos folder under its own name, a second recording with the same name gets `-2`
 * instead of overwriting the first (before: the last one won and a talk's clip was lost), names that
 * are paths or other kinds of file are refused with one line and nothing is written, and a page that
 * is not ours is refused.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import {
  registerSaveRecordingHandler,
  saveRecordingFiles,
  shownFolder,
} from '../../src/main/electron/recordings';
import { IPC_CHANNELS } from '../../src/shared/preload-api';

const OWN = 'http://127.0.0.1:47810';
let root: string;
let folder: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'dialtone-rec-'));
  folder = path.join(root, 'Videos', 'Dialtone');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const set = (base: string, tag: string) =>
  ['webm', 'wav', 'vtt', 'srt', 'json'].map((ext) => ({
    name: `${base}.${ext}`,
    bytes: bytes(`${tag} ${ext}`),
  }));

function fakeIpc() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: (channel: string, h: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) =>
      handlers.set(channel, h),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  const invoke = async (url: string, ...args: unknown[]) =>
    handlers.get(IPC_CHANNELS.saveRecording)!(
      { senderFrame: { url, parent: null } } as unknown as IpcMainInvokeEvent,
      ...args,
    );
  return { ipcMain, handlers, invoke };
}

describe('saving a recording', () => {
  it('creates the folder, writes the five files and answers with the folder and names', async () => {
    const ipc = fakeIpc();
    registerSaveRecordingHandler(ipc.ipcMain, folder, [OWN]);
    const saved = await ipc.invoke(`${OWN}/`, set('dialtone-2026-11-30-1042', 'first'));
    expect(saved).toEqual({
      folder,
      names: ['webm', 'wav', 'vtt', 'srt', 'json'].map((e) => `dialtone-2026-11-30-1042.${e}`),
    });
    expect((await readdir(folder)).sort()).toHaveLength(5);
    expect(await readFile(path.join(folder, 'dialtone-2026-11-30-1042.wav'), 'utf8')).toBe('first wav');
  });

  it('never overwrites: the same name again becomes -2, then -3, even when only one of the files exists', async () => {
    await saveRecordingFiles(folder, set('dialtone-a', 'first'));
    const second = await saveRecordingFiles(folder, set('dialtone-a', 'second'));
    expect(second.names[0]).toBe('dialtone-a-2.webm');
    // Only the subtitles of a -3 set exist (a user kept them): the whole next set moves on to -4.
    await writeFile(path.join(folder, 'dialtone-a-3.srt'), 'kept');
    const third = await saveRecordingFiles(folder, set('dialtone-a', 'third'));
    expect(third.names).toContain('dialtone-a-4.json');
    expect(await readFile(path.join(folder, 'dialtone-a.webm'), 'utf8')).toBe('first webm');
    expect(await readFile(path.join(folder, 'dialtone-a-2.webm'), 'utf8')).toBe('second webm');
    expect(await readFile(path.join(folder, 'dialtone-a-3.srt'), 'utf8')).toBe('kept');
    // The half-written -3 set was taken back: nothing of it but the kept file.
    expect((await readdir(folder)).filter((f) => f.startsWith('dialtone-a-3'))).toEqual(['dialtone-a-3.srt']);
  });

  it.each([
    ['a path', [{ name: '../../.bashrc.json', bytes: bytes('x') }], /not a recording file name/],
    ['an absolute path', [{ name: '/tmp/x.webm', bytes: bytes('x') }], /not a recording file name/],
    ['another kind of file', [{ name: 'dialtone.exe', bytes: bytes('x') }], /not a recording file name/],
    ['a hidden file', [{ name: '.dialtone.webm', bytes: bytes('x') }], /not a recording file name/],
    ['no bytes', [{ name: 'dialtone.webm', bytes: 'x' }], /has no bytes/],
    ['mixed names', [...set('a', 'x').slice(0, 2), { name: 'b.vtt', bytes: bytes('x') }], /share one name/],
    [
      'two of a kind',
      [
        { name: 'a.wav', bytes: bytes('x') },
        { name: 'a.wav', bytes: bytes('y') },
      ],
      /one file of each/,
    ],
    ['too many files', [...set('a', 'x'), { name: 'a.webm', bytes: bytes('x') }], /at most 5/],
    ['nothing', [], /Nothing to save/],
    ['not a list', 'dialtone.webm', /Nothing to save/],
  ])('refuses %s in one line and writes nothing', async (_what, files, message) => {
    const error = await saveRecordingFiles(folder, files).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a page that is not ours', async () => {
    const ipc = fakeIpc();
    registerSaveRecordingHandler(ipc.ipcMain, folder, [OWN]);
    await expect(ipc.invoke('https://evil.example/', set('dialtone-x', 'x'))).rejects.toThrow(/refused/);
    expect(await readdir(root)).toEqual([]);
  });

  it('shows the home folder as ~', () => {
    expect(shownFolder(path.join(homedir(), 'Videos', 'Dialtone'))).toBe(
      `~${path.sep}Videos${path.sep}Dialtone`,
    );
    expect(shownFolder('/srv/videos')).toBe('/srv/videos');
  });
});

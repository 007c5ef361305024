/**
 * The sandboxed preload. It hands the renderer one named function per message and nothing else:
 * never `ipcRenderer` itself (that would let any script in the page send on any channel) and never
 * `process.env` (that would leak API keys). Main checks the sender's origin before it answers.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  IPC_CHANNELS,
  PRELOAD_GLOBAL,
  type DialtoneApi,
  type EngineConnection,
  type ProviderKeyStatus,
  type RecordingFile,
  type SavedRecording,
} from '../shared/preload-api';

/** Only names and bytes cross, rebuilt here: nothing else the page attaches reaches the main process. */
function recordingFiles(files: unknown): RecordingFile[] {
  if (!Array.isArray(files)) return [];
  return files.map((f: unknown) => {
    const { name, bytes } = (f ?? {}) as { name?: unknown; bytes?: unknown };
    return { name: String(name), bytes: bytes instanceof Uint8Array ? bytes : new Uint8Array(0) };
  });
}

const api: DialtoneApi = {
  // Wrapped so the page gets a plain promise and cannot pass arguments through to the channel.
  getEngineConnection: () => ipcRenderer.invoke(IPC_CHANNELS.engineConnection) as Promise<EngineConnection>,
  getProviderKeys: () => ipcRenderer.invoke(IPC_CHANNELS.providerKeys) as Promise<ProviderKeyStatus[]>,
  // Only strings cross: whatever else the page passes is not forwarded.
  setProviderKey: (provider, key) =>
    ipcRenderer.invoke(IPC_CHANNELS.setProviderKey, String(provider), String(key)) as Promise<
      ProviderKeyStatus[]
    >,
  clearProviderKey: (provider) =>
    ipcRenderer.invoke(IPC_CHANNELS.clearProviderKey, String(provider)) as Promise<ProviderKeyStatus[]>,
  saveRecording: (files) =>
    ipcRenderer.invoke(IPC_CHANNELS.saveRecording, recordingFiles(files)) as Promise<SavedRecording>,
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, api);

/**
 * The bridge between Electron's preload and the renderer: `window.dialtone`. One named function per
 * message, nothing generic. This file has no imports so the sandboxed preload can bundle it as is.
 *
 * In web mode there is no preload; the renderer reads the same connection from the page URL.
 */

/** Name of the global the preload exposes (`window.dialtone`). */
export const PRELOAD_GLOBAL = 'dialtone';

/** IPC channels the preload invokes and the main process handles. */
export const IPC_CHANNELS = {
  engineConnection: 'dialtone:engine-connection',
  providerKeys: 'dialtone:provider-keys',
  setProviderKey: 'dialtone:set-provider-key',
  clearProviderKey: 'dialtone:clear-provider-key',
  saveRecording: 'dialtone:save-recording',
} as const;

/** How the renderer reaches the engine. */
export interface EngineConnection {
  /** The engine's WebSocket, e.g. `ws://127.0.0.1:PORT/engine` (without the token). */
  wsUrl: string;
  /** Per-launch secret; the renderer appends it as `?token=` when it connects. */
  token: string;
}

/** Whether a provider has a key (entered in the app or from the environment). Never the key itself. */
export interface ProviderKeyStatus {
  provider: string;
  label: string;
  /** The environment variable the engine reads it as, e.g. `CEREBRAS_API_KEY`. */
  keyEnv: string;
  /** A key was entered in the app (stored encrypted). */
  stored: boolean;
  /** The engine has a key for it, from either place. */
  set: boolean;
}

/** One file of a recording made in the app: a plain name (`dialtone-2026-11-30-1042.webm`) and its bytes. */
export interface RecordingFile {
  name: string;
  bytes: Uint8Array;
}

/** Where a recording was written. */
export interface SavedRecording {
  /** The folder, with the home folder written as `~` (for the page to show). */
  folder: string;
  /** The names as written (a `-2`, `-3` is added rather than overwrite a file). */
  names: string[];
}

/** What the preload exposes on `window.dialtone`. Declare it in the renderer as `dialtone?: DialtoneApi`. */
export interface DialtoneApi {
  getEngineConnection(): Promise<EngineConnection>;
  /** Which providers have a key. */
  getProviderKeys(): Promise<ProviderKeyStatus[]>;
  /** Stores a key (encrypted) for the provider; answers with the new status, never the key. */
  setProviderKey(provider: string, key: string): Promise<ProviderKeyStatus[]>;
  /** Forgets the key entered in the app for the provider. */
  clearProviderKey(provider: string): Promise<ProviderKeyStatus[]>;
  /** Writes a recording's files to the videos folder (`~/Videos/Dialtone/`), never over an existing file. */
  saveRecording(files: RecordingFile[]): Promise<SavedRecording>;
}

/** Every key of `window.dialtone`; tests assert the preload exposes exactly these. */
export const DIALTONE_API_KEYS = [
  'getEngineConnection',
  'getProviderKeys',
  'setProviderKey',
  'clearProviderKey',
  'saveRecording',
] as const satisfies readonly (keyof DialtoneApi)[];

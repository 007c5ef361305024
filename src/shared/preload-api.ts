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
} as const;

/** How the renderer reaches the engine. */
export interface EngineConnection {
  /** The engine's WebSocket, e.g. `ws://127.0.0.1:PORT/engine` (without the token). */
  wsUrl: string;
  /** Per-launch secret; the renderer appends it as `?token=` when it connects. */
  token: string;
}

/** What the preload exposes on `window.dialtone`. Declare it in the renderer as `dialtone?: DialtoneApi`. */
export interface DialtoneApi {
  getEngineConnection(): Promise<EngineConnection>;
}

/** Every key of `window.dialtone`; tests assert the preload exposes exactly these. */
export const DIALTONE_API_KEYS = ['getEngineConnection'] as const satisfies readonly (keyof DialtoneApi)[];

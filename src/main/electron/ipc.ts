/**
 * Main-process handlers for the preload's named functions. Each one checks who is asking: only the
 * top frame of one of our own pages gets the engine's token.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type EngineConnection, type ProviderKeyStatus } from '../../shared/preload-api';
import { isOwnOrigin } from './security';

/** The sender is the top frame of a page on one of our origins (null frame: navigated away or gone). */
export function isTrustedSender(event: IpcMainInvokeEvent, allowedOrigins: readonly string[]): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false;
  return isOwnOrigin(frame.url, allowedOrigins);
}

/** Answers `getEngineConnection()`. Returns a function that removes the handler. */
export function registerEngineConnectionHandler(
  ipcMain: IpcMain,
  connection: EngineConnection,
  allowedOrigins: readonly string[],
): () => void {
  ipcMain.handle(IPC_CHANNELS.engineConnection, (event): EngineConnection => {
    if (!isTrustedSender(event, allowedOrigins)) {
      // The rejection reaches the page; the token never does.
      throw new Error('Dialtone refused the engine connection: the request did not come from its own page.');
    }
    return { wsUrl: connection.wsUrl, token: connection.token };
  });
  return () => ipcMain.removeHandler(IPC_CHANNELS.engineConnection);
}

/** The part of the key store the handlers use (see keys.ts). */
export interface KeyStoreLike {
  status(): ProviderKeyStatus[];
  set(provider: unknown, key: unknown): Promise<ProviderKeyStatus[]>;
  clear(provider: unknown): Promise<ProviderKeyStatus[]>;
}

/**
 * Answers `getProviderKeys`, `setProviderKey` and `clearProviderKey` for our own pages only. Every
 * answer is the status list (which providers have a key), never a key. Returns a function that
 * removes the handlers.
 */
export function registerProviderKeyHandlers(
  ipcMain: IpcMain,
  store: KeyStoreLike,
  allowedOrigins: readonly string[],
  /** Called after a key was saved or cleared (the engine tells the pages which providers have one). */
  onChange: () => void = () => {},
): () => void {
  const guard = (event: IpcMainInvokeEvent): void => {
    if (!isTrustedSender(event, allowedOrigins)) {
      throw new Error('Dialtone refused the key request: it did not come from its own page.');
    }
  };
  ipcMain.handle(IPC_CHANNELS.providerKeys, (event) => {
    guard(event);
    return store.status();
  });
  ipcMain.handle(IPC_CHANNELS.setProviderKey, async (event, provider: unknown, key: unknown) => {
    guard(event);
    const status = await store.set(provider, key);
    onChange();
    return status;
  });
  ipcMain.handle(IPC_CHANNELS.clearProviderKey, async (event, provider: unknown) => {
    guard(event);
    const status = await store.clear(provider);
    onChange();
    return status;
  });
  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.providerKeys);
    ipcMain.removeHandler(IPC_CHANNELS.setProviderKey);
    ipcMain.removeHandler(IPC_CHANNELS.clearProviderKey);
  };
}

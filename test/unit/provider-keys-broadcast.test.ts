/**
 * Keys over a real engine socket: a key saved or cleared through the app's key handlers (the real
 * key store, safeStorage stood in for) reaches every connected page as a `providers` event (the page
 * applies it: settings-sync.test.ts). Bug this catches: "key set" flags that only update on reconnect.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { ProviderKeyStore, type SafeStorageLike } from '../../src/main/electron/keys';
import { registerProviderKeyHandlers } from '../../src/main/electron/ipc';
import { IPC_CHANNELS } from '../../src/shared/preload-api';
import { TestClient } from '../helpers/engine-client';

let dir: string;
const running: RunningEngine[] = [];
const clients: TestClient[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dialtone-keys-broadcast-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const e of running.splice(0)) await e.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string | undefined> = { DIALTONE_CONFIG_DIR: dir }) {
  const engine = await startEngine({ env, persistSettings: true });
  running.push(engine);
  const client = await TestClient.connect(engine);
  clients.push(client);
  return { engine, client };
}

describe('keys saved in the app', () => {
  it('every connected page gets the providers list with the new key flag, and never the key', async () => {
    const KEY = 'csk-live-0a1b2c3d4e5f6789';
    const engineEnv: Record<string, string | undefined> = { DIALTONE_CONFIG_DIR: dir };
    const { engine, client } = await start(engineEnv);
    const safe: SafeStorageLike = {
      isEncryptionAvailable: () => true,
      encryptString: (s) => Buffer.from(`ENC:${Buffer.from(s).toString('hex')}`),
      decryptString: (b) => Buffer.from(b.toString().slice(4), 'hex').toString(),
    };
    const keys = new ProviderKeyStore(dir, safe, engineEnv);
    const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
    const ipcMain = {
      handle: (channel: string, h: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) =>
        handlers.set(channel, h),
      removeHandler: (channel: string) => handlers.delete(channel),
    } as unknown as IpcMain;
    const own = 'http://127.0.0.1:47810';
    registerProviderKeyHandlers(ipcMain, keys, [own], () => engine.engine.providersChanged());
    const from = { senderFrame: { url: `${own}/`, parent: null } } as unknown as IpcMainInvokeEvent;

    const hello = await client.waitFor('hello');
    const flag = (e: { providers: { id: string; keySet: boolean }[] }) =>
      e.providers.find((p) => p.id === 'cerebras')?.keySet;
    expect(flag(hello)).toBe(false);

    await handlers.get(IPC_CHANNELS.setProviderKey)!(from, 'cerebras', KEY);
    const set = await client.waitFor('providers');
    expect(flag(set)).toBe(true);
    expect(JSON.stringify(client.events)).not.toContain(KEY);

    await handlers.get(IPC_CHANNELS.clearProviderKey)!(from, 'cerebras');
    const cleared = await client.waitFor('providers', (e) => e !== set);
    expect(flag(cleared)).toBe(false);
  });
});

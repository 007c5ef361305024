/**
 * Keys entered in the app (Electron): safeStorage mocked (no Electron runtime here) with a reversible
 * cipher, so the test can tell encrypted bytes from the key. What reaches the disk is only the
 * encrypted bytes; what reaches the renderer is only "set / not set"; the engine's env gets the key.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { PROVIDER_KEYS_FILE, ProviderKeyStore, type SafeStorageLike } from '../../src/main/electron/keys';
import { registerProviderKeyHandlers } from '../../src/main/electron/ipc';
import { IPC_CHANNELS } from '../../src/shared/preload-api';
import { listProviders } from '../../src/main/engine/providers/llm/presets';

const KEY = 'csk-live-4f3e2d1c0b9a8877';
const OWN = 'http://127.0.0.1:47810';

/** A stand-in for the OS keychain: XOR with a secret byte, tagged, so a plain key never matches. */
const fakeSafeStorage = (): SafeStorageLike => ({
  isEncryptionAvailable: vi.fn(() => true),
  encryptString: vi.fn((s: string) =>
    Buffer.concat([Buffer.from('ENC:'), Buffer.from(s).map((b) => b ^ 0x5a)]),
  ),
  decryptString: vi.fn((b: Buffer) => {
    if (b.subarray(0, 4).toString() !== 'ENC:') throw new Error('bad ciphertext');
    return Buffer.from(b.subarray(4).map((x) => x ^ 0x5a)).toString();
  }),
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dialtone-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fakeIpc() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: (channel: string, h: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) =>
      handlers.set(channel, h),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  const from = (url: string) => ({ senderFrame: { url, parent: null } }) as unknown as IpcMainInvokeEvent;
  const invoke = async (channel: string, url: string, ...args: unknown[]) =>
    handlers.get(channel)!(from(url), ...args);
  return { ipcMain, handlers, invoke };
}

describe('the provider key store', () => {
  it('writes only the encrypted bytes, answers only set/not set, and hands the key to the engine env', async () => {
    const safe = fakeSafeStorage();
    const env: Record<string, string | undefined> = {};
    const store = new ProviderKeyStore(dir, safe, env);
    const ipc = fakeIpc();
    registerProviderKeyHandlers(ipc.ipcMain, store, [OWN]);

    const answer = await ipc.invoke(IPC_CHANNELS.setProviderKey, `${OWN}/`, 'cerebras', `  ${KEY} `);
    expect(JSON.stringify(answer)).not.toContain(KEY);
    expect(answer).toContainEqual({
      provider: 'cerebras',
      label: expect.any(String),
      keyEnv: 'CEREBRAS_API_KEY',
      stored: true,
      set: true,
    });
    expect(safe.encryptString).toHaveBeenCalledWith(KEY);

    const file = path.join(dir, PROVIDER_KEYS_FILE);
    const onDisk = await readFile(file);
    expect(onDisk.toString()).not.toContain(KEY);
    expect(onDisk.includes(Buffer.from(KEY))).toBe(false);
    const saved = JSON.parse(onDisk.toString()) as { keys: Record<string, string> };
    expect(Buffer.from(saved.keys.CEREBRAS_API_KEY!, 'base64')).toEqual(safe.encryptString(KEY));
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    // The engine reads it as if from the environment.
    expect(env.CEREBRAS_API_KEY).toBe(KEY);
    expect(listProviders(env).find((p) => p.id === 'cerebras')?.keySet).toBe(true);

    // The status request never carries it either.
    expect(JSON.stringify(await ipc.invoke(IPC_CHANNELS.providerKeys, `${OWN}/`))).not.toContain(KEY);
  });

  it('comes back at the next launch, decrypted only in the main process', async () => {
    const safe = fakeSafeStorage();
    await new ProviderKeyStore(dir, safe, {}).set('groq', KEY);
    const env: Record<string, string | undefined> = {};
    const next = new ProviderKeyStore(dir, safe, env);
    await next.load();
    expect(env.GROQ_API_KEY).toBe(KEY);
    expect(next.status().find((s) => s.provider === 'groq')).toMatchObject({ stored: true, set: true });
  });

  it('clearing falls back to the environment variable, if there was one', async () => {
    const base = { OPENAI_API_KEY: 'from-env-0000' };
    const env: Record<string, string | undefined> = { ...base };
    const store = new ProviderKeyStore(dir, fakeSafeStorage(), env, base);
    await store.set('openai', KEY);
    expect(env.OPENAI_API_KEY).toBe(KEY);
    const status = await store.clear('openai');
    expect(env.OPENAI_API_KEY).toBe('from-env-0000');
    expect(status.find((s) => s.provider === 'openai')).toMatchObject({ stored: false, set: true });
    await store.clear('openai');
    const file = JSON.parse(await readFile(path.join(dir, PROVIDER_KEYS_FILE), 'utf8')) as {
      keys: Record<string, string>;
    };
    expect(file.keys).toEqual({});
  });

  it('refuses other pages, unknown providers, and systems without secure storage (nothing written)', async () => {
    const safe = fakeSafeStorage();
    const store = new ProviderKeyStore(dir, safe, {});
    const ipc = fakeIpc();
    registerProviderKeyHandlers(ipc.ipcMain, store, [OWN]);
    await expect(
      ipc.invoke(IPC_CHANNELS.setProviderKey, 'https://evil.example/', 'cerebras', KEY),
    ).rejects.toThrow(/refused/);
    expect(() => ipc.handlers.get(IPC_CHANNELS.providerKeys)!({ senderFrame: null } as never)).toThrow(
      /refused/,
    );
    await expect(store.set('sim', KEY)).rejects.toThrow(/No key/);
    vi.mocked(safe.isEncryptionAvailable).mockReturnValue(false);
    await expect(store.set('cerebras', KEY)).rejects.toThrow(/environment/);
    await expect(readFile(path.join(dir, PROVIDER_KEYS_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('a stored key that no longer decrypts is skipped with a warning', async () => {
    await new ProviderKeyStore(dir, fakeSafeStorage(), {}).set('cerebras', KEY);
    const broken = {
      ...fakeSafeStorage(),
      decryptString: () => {
        throw new Error('keychain changed');
      },
    };
    const env: Record<string, string | undefined> = {};
    const warn = vi.fn();
    await new ProviderKeyStore(dir, broken, env).load(warn);
    expect(env.CEREBRAS_API_KEY).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

/**
 * The preload, with `electron` mocked: it exposes exactly `window.dialtone.getEngineConnection` — no
 * ipcRenderer, no process.env, no channel the page can choose.
 */
import { describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => ({
  exposeInMainWorld: vi.fn(),
  /** Main's answers, a new token each time: the page must get this call's, not a copy or a cached one. */
  answers: 0,
  invoke: vi.fn((_channel: string, ..._args: unknown[]) =>
    Promise.resolve({ wsUrl: 'ws://127.0.0.1:41234/engine', token: `t${++fake.answers}` }),
  ),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: fake.exposeInMainWorld },
  ipcRenderer: { invoke: fake.invoke, send: vi.fn(), on: vi.fn() },
}));

import '../../src/preload/index';
import { DIALTONE_API_KEYS, IPC_CHANNELS, PRELOAD_GLOBAL } from '../../src/shared/preload-api';

function exposed(): Record<string, unknown> {
  expect(fake.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [key, api] = fake.exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
  expect(key).toBe('dialtone');
  return api;
}

describe('the preload', () => {
  it('exposes one global, dialtone, with exactly its named functions', () => {
    const api = exposed();
    expect(PRELOAD_GLOBAL).toBe('dialtone');
    expect(Object.keys(api)).toEqual([
      'getEngineConnection',
      'getProviderKeys',
      'setProviderKey',
      'clearProviderKey',
      'saveRecording',
    ]);
    expect(Object.keys(api)).toEqual([...DIALTONE_API_KEYS]);
    expect(typeof api['getEngineConnection']).toBe('function');
  });

  it('hands out no Electron or Node object', () => {
    const api = exposed();
    for (const value of Object.values(api)) {
      expect(value).not.toBe(fake.invoke);
      expect(typeof value).toBe('function');
    }
    expect(JSON.stringify(api)).toBe('{}');
  });

  it('invokes its own channel and forwards nothing the page passes', async () => {
    const getEngineConnection = exposed()['getEngineConnection'] as (...args: unknown[]) => Promise<unknown>;
    const first = await getEngineConnection('dialtone:other-channel', { evil: true });
    const second = await getEngineConnection();
    expect(fake.invoke).toHaveBeenCalledTimes(2);
    expect(fake.invoke.mock.calls).toEqual([
      [IPC_CHANNELS.engineConnection],
      [IPC_CHANNELS.engineConnection],
    ]);
    // Each call asks main again and hands the page main's answer to that call.
    expect(first).toEqual({ wsUrl: 'ws://127.0.0.1:41234/engine', token: 't1' });
    expect(second).toEqual({ wsUrl: 'ws://127.0.0.1:41234/engine', token: 't2' });
  });

  it('key functions invoke their own channels with strings only, and nothing else the page passes', async () => {
    const api = exposed() as Record<string, (...args: unknown[]) => Promise<unknown>>;
    fake.invoke.mockClear();
    await api['setProviderKey']!('cerebras', 'csk-1', 'dialtone:engine-connection', { evil: true });
    await api['clearProviderKey']!('groq', 'extra');
    await api['getProviderKeys']!('anything');
    expect(fake.invoke.mock.calls).toEqual([
      [IPC_CHANNELS.setProviderKey, 'cerebras', 'csk-1'],
      [IPC_CHANNELS.clearProviderKey, 'groq'],
      [IPC_CHANNELS.providerKeys],
    ]);
  });

  it('saveRecording sends only names and bytes, rebuilt: no channel, no object the page attached', async () => {
    const api = exposed() as Record<string, (...args: unknown[]) => Promise<unknown>>;
    fake.invoke.mockClear();
    const bytes = new Uint8Array([1, 2, 3]);
    const extra = { toString: () => 'x.webm', evil: true };
    await api['saveRecording']!(
      [
        { name: 'dialtone-2026-11-30-1042.webm', bytes, path: '/etc/passwd' },
        { name: extra, bytes: 'no' },
      ],
      'dialtone:engine-connection',
    );
    expect(fake.invoke.mock.calls).toEqual([
      [
        IPC_CHANNELS.saveRecording,
        [
          { name: 'dialtone-2026-11-30-1042.webm', bytes },
          { name: 'x.webm', bytes: new Uint8Array(0) },
        ],
      ],
    ]);
    await api['saveRecording']!('not a list');
    expect(fake.invoke.mock.calls[1]).toEqual([IPC_CHANNELS.saveRecording, []]);
  });
});

/**
 * Electron main with `electron` mocked (no runtime can be downloaded here): the window's secure
 * options, the guards on every page, the permission policy, the IPC origin check and the lifecycle.
 */
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const fake = await vi.hoisted(async () => {
  // Hoisted above the imports: imported names are not usable in here.
  const { EventEmitter: Emitter } = await import('node:events');

  class FakeWebContents extends Emitter {
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.windowOpenHandler = handler;
    }
  }

  class FakeBrowserWindow extends Emitter {
    static instances: FakeBrowserWindow[] = [];
    static getAllWindows(): FakeBrowserWindow[] {
      return FakeBrowserWindow.instances;
    }
    readonly webContents = new FakeWebContents();
    readonly loadURL = vi.fn((_url: string) => Promise.resolve());
    readonly show = vi.fn();
    readonly focus = vi.fn();
    readonly restore = vi.fn();
    isMinimized = (): boolean => false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      FakeBrowserWindow.instances.push(this);
      // Electron announces every new WebContents on the app.
      app.emit('web-contents-created', {}, this.webContents);
    }
  }

  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: vi.fn(() => true),
    enableSandbox: vi.fn(),
    whenReady: vi.fn(() => Promise.resolve()),
    quit: vi.fn(),
    isPackaged: false,
    name: 'Dialtone',
    // The key store's folder (keys.ts): one that holds no file, so no key is loaded.
    getPath: vi.fn((_name: string) => '/nonexistent/dialtone-user-data'),
  });

  const defaultSession = {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  };

  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: vi.fn((channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => {
      handlers.set(channel, handler);
    }),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  };

  const engine = {
    httpUrl: 'http://127.0.0.1:41234',
    wsUrl: 'ws://127.0.0.1:41234/engine',
    token: 'secret-token',
    port: 41234,
    simUrl: 'http://127.0.0.1:41235/v1',
    close: vi.fn(() => Promise.resolve()),
  };

  return {
    app,
    engine,
    handlers,
    ipcMain,
    FakeBrowserWindow,
    session: { defaultSession },
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    dialog: { showErrorBox: vi.fn() },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((template: unknown) => ({ template })) },
    startEngine: vi.fn((_opts: unknown) => Promise.resolve(engine)),
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeBrowserWindow,
  dialog: fake.dialog,
  ipcMain: fake.ipcMain,
  Menu: fake.Menu,
  session: fake.session,
  shell: fake.shell,
  safeStorage: {
    isEncryptionAvailable: () => false,
    encryptString: () => Buffer.alloc(0),
    decryptString: () => '',
  },
}));
vi.mock('../../src/main/engine/index', () => ({ startEngine: fake.startEngine, DEFAULT_ENGINE_PORT: 47810 }));
vi.mock('../../src/main/engine/viewer-token', () => ({ loadViewerToken: () => 'viewer-token' }));

import { runDialtoneApp } from '../../src/main/electron/app';
import { isTrustedSender, registerEngineConnectionHandler } from '../../src/main/electron/ipc';
import { appMenuTemplate } from '../../src/main/electron/menu';
import {
  allowPermissionCheck,
  allowPermissionRequest,
  hasCsp,
  isOwnOrigin,
  withCsp,
} from '../../src/main/electron/security';
import { createMainWindow, hardenSession } from '../../src/main/electron/window';
import { RENDERER_CSP } from '../../src/main/engine/server';
import { IPC_CHANNELS } from '../../src/shared/preload-api';
import type { IpcMain, IpcMainInvokeEvent, MenuItemConstructorOptions, Session } from 'electron';

const OWN = 'http://127.0.0.1:41234';
const DEV = 'http://localhost:5173';

function navigationEvent(url: string): { url: string; preventDefault: ReturnType<typeof vi.fn> } {
  return { url, preventDefault: vi.fn() };
}

function emitted(emitter: EventEmitter, name: string, ...args: unknown[]): void {
  for (const listener of emitter.listeners(name) as Listener[]) listener(...args);
}

function lastWindow(): InstanceType<typeof fake.FakeBrowserWindow> {
  const window = fake.FakeBrowserWindow.instances.at(-1);
  if (!window) throw new Error('no window was created');
  return window;
}

function invokeEvent(url: string | null, parent: unknown = null): IpcMainInvokeEvent {
  return { senderFrame: url === null ? null : { url, parent } } as unknown as IpcMainInvokeEvent;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

beforeEach(() => {
  vi.clearAllMocks();
  fake.app.removeAllListeners();
  fake.app.isPackaged = false;
  fake.app.requestSingleInstanceLock.mockReturnValue(true);
  fake.handlers.clear();
  fake.FakeBrowserWindow.instances.length = 0;
  fake.startEngine.mockImplementation(() => Promise.resolve(fake.engine));
});

describe('the window', () => {
  // Pins every web preference: a dropped flag (sandbox, contextIsolation, the Auxclick block) or a
  // new, unreviewed one fails here, not in a security review.
  it('is created with the secure web preferences and the preload', () => {
    createMainWindow({ preloadPath: '/app/out/preload/index.js', url: `${OWN}/`, allowedOrigins: [OWN] });
    expect(lastWindow().options['webPreferences']).toEqual({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      autoplayPolicy: 'no-user-gesture-required',
    });
    expect(lastWindow().loadURL).toHaveBeenCalledWith(`${OWN}/`);
  });

  it('denies window.open and opens no link outside the app', () => {
    createMainWindow({ preloadPath: '/p.js', url: `${OWN}/`, allowedOrigins: [OWN] });
    const open = lastWindow().webContents.windowOpenHandler;
    if (!open) throw new Error('no window open handler');

    for (const url of ['https://cerebras.ai/', 'http://example.com/', 'file:///etc/passwd', `${OWN}/other`]) {
      expect(open({ url })).toEqual({ action: 'deny' });
    }
    expect(fake.shell.openExternal).not.toHaveBeenCalled();
  });

  it('prevents navigation and redirects to a foreign origin, allows its own', () => {
    createMainWindow({ preloadPath: '/p.js', url: `${OWN}/`, allowedOrigins: [OWN] });
    const contents = lastWindow().webContents;

    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:9999/',
      'file:///tmp/x.html',
      'http://localhost:41234/',
    ]) {
      const event = navigationEvent(url);
      emitted(contents, 'will-navigate', event);
      expect(event.preventDefault, url).toHaveBeenCalled();
      const redirect = navigationEvent(url);
      emitted(contents, 'will-redirect', redirect);
      expect(redirect.preventDefault, url).toHaveBeenCalled();
    }

    const own = navigationEvent(`${OWN}/?lane=fast`);
    emitted(contents, 'will-navigate', own);
    expect(own.preventDefault).not.toHaveBeenCalled();

    const webview = navigationEvent('about:blank');
    emitted(contents, 'will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('registers its guards once even when the app hook also hardens it', () => {
    fake.app.on('web-contents-created', () => undefined);
    createMainWindow({ preloadPath: '/p.js', url: `${OWN}/`, allowedOrigins: [OWN] });
    expect(lastWindow().webContents.listenerCount('will-navigate')).toBe(1);
  });
});

describe('the session policy', () => {
  function hardened(): {
    request: (permission: string, details: Record<string, unknown>) => boolean;
    check: (permission: string, origin: string, details?: Record<string, unknown>) => boolean;
    headers: (headers: Record<string, string[]>) => Record<string, string | string[]>;
  } {
    hardenSession(fake.session.defaultSession as unknown as Session, {
      allowedOrigins: [OWN],
      cspBackstop: true,
    });
    const requestHandler = fake.session.defaultSession.setPermissionRequestHandler.mock
      .calls[0]?.[0] as Listener;
    const checkHandler = fake.session.defaultSession.setPermissionCheckHandler.mock.calls[0]?.[0] as Listener;
    const headersHandler = fake.session.defaultSession.webRequest.onHeadersReceived.mock
      .calls[0]?.[0] as Listener;
    return {
      request: (permission, details) => {
        let granted: boolean | undefined;
        requestHandler({}, permission, (value: boolean) => (granted = value), {
          isMainFrame: true,
          ...details,
        });
        if (granted === undefined) throw new Error('the permission request was never answered');
        return granted;
      },
      check: (permission, origin, details = {}) =>
        checkHandler(null, permission, origin, { isMainFrame: true, ...details }) as boolean,
      headers: (responseHeaders) => {
        let result: Record<string, string | string[]> = {};
        headersHandler(
          { url: `${OWN}/`, responseHeaders },
          (response: { responseHeaders: typeof result }) => {
            result = response.responseHeaders;
          },
        );
        return result;
      },
    };
  }

  it('grants the microphone to our own page only', () => {
    const { request } = hardened();
    expect(request('media', { requestingUrl: `${OWN}/`, mediaTypes: ['audio'] })).toBe(true);
    expect(request('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] })).toBe(false);
    expect(request('media', { requestingUrl: 'http://localhost:41234/', mediaTypes: ['audio'] })).toBe(false);
    expect(request('media', { requestingUrl: `${OWN}/`, mediaTypes: ['video'] })).toBe(false);
    expect(request('media', { requestingUrl: `${OWN}/`, mediaTypes: ['audio', 'video'] })).toBe(false);
  });

  it('denies every other permission, even to our own page', () => {
    const { request, check } = hardened();
    for (const permission of [
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'display-capture',
      'midi',
      'hid',
      'fullscreen',
    ]) {
      expect(request(permission, { requestingUrl: `${OWN}/` }), permission).toBe(false);
      expect(check(permission, OWN), permission).toBe(false);
    }
    expect(fake.session.defaultSession.setDevicePermissionHandler).toHaveBeenCalled();
    const device = fake.session.defaultSession.setDevicePermissionHandler.mock.calls[0]?.[0] as Listener;
    expect(device({ deviceType: 'usb', origin: OWN })).toBe(false);
  });

  it('answers permission checks with the same rule', () => {
    const { check } = hardened();
    expect(check('media', OWN, { securityOrigin: OWN, mediaType: 'audio' })).toBe(true);
    expect(check('media', 'https://evil.example', { mediaType: 'audio' })).toBe(false);
    expect(check('media', OWN, { mediaType: 'video' })).toBe(false);
    expect(check('media', OWN, { embeddingOrigin: 'https://evil.example', mediaType: 'audio' })).toBe(false);
  });

  it('adds a CSP to responses without one and leaves the engine’s own policy alone', () => {
    const { headers } = hardened();
    expect(headers({ 'content-type': ['text/html'] })['Content-Security-Policy']).toBe(RENDERER_CSP);
    const engineCsp = { 'content-security-policy': ["default-src 'self'"] };
    expect(headers(engineCsp)).toEqual(engineCsp);
  });
});

describe('security helpers', () => {
  it('compares origins exactly', () => {
    expect(isOwnOrigin(`${OWN}/index.html?x=1#y`, [OWN])).toBe(true);
    expect(isOwnOrigin(`${OWN}.evil.example/`, [OWN])).toBe(false);
    expect(isOwnOrigin('https://127.0.0.1:41234/', [OWN])).toBe(false);
    expect(isOwnOrigin('not a url', [OWN])).toBe(false);
    expect(isOwnOrigin(undefined, [OWN])).toBe(false);
    expect(isOwnOrigin('file:///x', ['file:///x'])).toBe(false);
  });

  // The backstop is a literal (for scanners) copy of the engine's policy: a change to one that
  // misses the other would give the app two different policies depending on the response.
  it('adds the engine’s own CSP where a response has none', () => {
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': RENDERER_CSP });
    expect(RENDERER_CSP).toContain("script-src 'self';");
    expect(RENDERER_CSP).not.toContain('unsafe-');
    expect(hasCsp({ 'Content-Security-Policy': 'x' })).toBe(true);
    expect(hasCsp({ 'content-type': 'text/html' })).toBe(false);
  });

  it('keeps the permission rules pure', () => {
    expect(allowPermissionRequest('media', { requestingUrl: `${OWN}/` }, [OWN])).toBe(true);
    expect(allowPermissionCheck('media', OWN, {}, [])).toBe(false);
  });
});

describe('the engine-connection IPC', () => {
  function handler(): (event: IpcMainInvokeEvent) => unknown {
    registerEngineConnectionHandler(
      fake.ipcMain as unknown as IpcMain,
      { wsUrl: fake.engine.wsUrl, token: 'secret-token' },
      [OWN],
    );
    const registered = fake.handlers.get(IPC_CHANNELS.engineConnection);
    if (!registered) throw new Error('no handler registered');
    return registered;
  }

  it('answers our own page', () => {
    expect(handler()(invokeEvent(`${OWN}/`))).toEqual({ wsUrl: fake.engine.wsUrl, token: 'secret-token' });
  });

  it('refuses a foreign sender, a subframe and a vanished frame', () => {
    const answer = handler();
    for (const event of [
      invokeEvent('https://evil.example/'),
      invokeEvent('file:///tmp/page.html'),
      invokeEvent(`${OWN}/`, { url: `${OWN}/` }),
      invokeEvent(null),
    ]) {
      expect(() => answer(event)).toThrow(/refused/);
    }
    expect(isTrustedSender(invokeEvent('http://localhost:41234/'), [OWN])).toBe(false);
  });
});

describe('the menu', () => {
  function roles(template: MenuItemConstructorOptions[]): string[] {
    return template.flatMap((item) => [
      ...(item.role ? [item.role] : []),
      ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
    ]);
  }

  it('has reload and DevTools only in dev', () => {
    const prod = roles(appMenuTemplate({ isDev: false, platform: 'linux', appName: 'Dialtone' }));
    const dev = roles(appMenuTemplate({ isDev: true, platform: 'linux', appName: 'Dialtone' }));
    for (const role of ['reload', 'forceReload', 'toggleDevTools']) {
      expect(prod).not.toContain(role);
      expect(dev).toContain(role);
    }
    for (const role of ['copy', 'paste', 'selectAll', 'quit', 'togglefullscreen', 'zoomIn'])
      expect(prod).toContain(role);
    expect(roles(appMenuTemplate({ isDev: false, platform: 'darwin', appName: 'Dialtone' }))).toContain(
      'hideOthers',
    );
  });
});

describe('the app lifecycle', () => {
  it('loads the page from the engine, so its origin is the engine’s own', async () => {
    await runDialtoneApp({ preloadPath: '/out/preload/index.js', rendererDir: '/out/renderer', env: {} });

    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(fake.startEngine).toHaveBeenCalledWith(
      expect.objectContaining({ staticDir: '/out/renderer', extraOrigins: [], persistSettings: true }),
    );
    expect(lastWindow().loadURL).toHaveBeenCalledWith(`${OWN}/`);
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalled();
    expect(fake.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);

    const answer = fake.handlers.get(IPC_CHANNELS.engineConnection);
    expect(answer?.(invokeEvent(`${OWN}/`))).toEqual({ wsUrl: fake.engine.wsUrl, token: fake.engine.token });
    expect(() => answer?.(invokeEvent(`${DEV}/`))).toThrow(/refused/);
  });

  it('in dev, loads the dev server and lets the engine accept its origin', async () => {
    await runDialtoneApp({ preloadPath: '/p.js', rendererDir: '/r', env: { ELECTRON_RENDERER_URL: DEV } });

    expect(fake.startEngine).toHaveBeenCalledWith(
      expect.objectContaining({ staticDir: '/r', extraOrigins: [DEV] }),
    );
    expect(lastWindow().loadURL).toHaveBeenCalledWith(DEV);
    // The dev page's meta CSP carries Vite's nonce; a second, nonce-less policy would block it.
    expect(fake.session.defaultSession.webRequest.onHeadersReceived).not.toHaveBeenCalled();
    const answer = fake.handlers.get(IPC_CHANNELS.engineConnection);
    expect(answer?.(invokeEvent(`${DEV}/`))).toEqual({ wsUrl: fake.engine.wsUrl, token: fake.engine.token });

    const navigation = navigationEvent(`${DEV}/src/main.tsx`);
    emitted(lastWindow().webContents, 'will-navigate', navigation);
    expect(navigation.preventDefault).not.toHaveBeenCalled();
  });

  it('a packaged app ignores ELECTRON_RENDERER_URL', async () => {
    fake.app.isPackaged = true;
    await runDialtoneApp({
      preloadPath: '/p.js',
      rendererDir: '/r',
      env: { ELECTRON_RENDERER_URL: 'https://evil.example' },
    });
    expect(fake.startEngine).toHaveBeenCalledWith(
      expect.objectContaining({ staticDir: '/r', extraOrigins: [] }),
    );
    expect(lastWindow().loadURL).toHaveBeenCalledWith(`${OWN}/`);
  });

  it('hardens every WebContents the app creates, not just the main window', async () => {
    await runDialtoneApp({ preloadPath: '/p.js', rendererDir: '/r', env: {} });
    const other = new EventEmitter() as EventEmitter & { setWindowOpenHandler: ReturnType<typeof vi.fn> };
    other.setWindowOpenHandler = vi.fn();
    emitted(fake.app, 'web-contents-created', {}, other);
    expect(other.setWindowOpenHandler).toHaveBeenCalled();
    const event = navigationEvent('https://evil.example/');
    emitted(other, 'will-navigate', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('closes the engine before the app quits', async () => {
    let finishClose: () => void = () => undefined;
    fake.engine.close.mockImplementationOnce(() => new Promise<void>((resolve) => (finishClose = resolve)));
    await runDialtoneApp({ preloadPath: '/p.js', rendererDir: '/r', env: {} });

    emitted(fake.app, 'before-quit', {});
    const first = { preventDefault: vi.fn() };
    emitted(fake.app, 'will-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(fake.engine.close).toHaveBeenCalledTimes(1);

    // A second quit while closing is held too, and does not close twice.
    const second = { preventDefault: vi.fn() };
    emitted(fake.app, 'will-quit', second);
    expect(second.preventDefault).toHaveBeenCalled();
    expect(fake.app.quit).not.toHaveBeenCalled();

    finishClose();
    await settle();
    expect(fake.app.quit).toHaveBeenCalledTimes(1);
    const last = { preventDefault: vi.fn() };
    emitted(fake.app, 'will-quit', last);
    expect(last.preventDefault).not.toHaveBeenCalled();
    expect(fake.engine.close).toHaveBeenCalledTimes(1);
  });

  it('a second instance starts nothing and hands over to the first', async () => {
    fake.app.requestSingleInstanceLock.mockReturnValue(false);
    await runDialtoneApp({ preloadPath: '/p.js', rendererDir: '/r', env: {} });
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.startEngine).not.toHaveBeenCalled();
    expect(fake.FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('the first instance comes to the front when a second is launched', async () => {
    await runDialtoneApp({ preloadPath: '/p.js', rendererDir: '/r', env: {} });
    emitted(fake.app, 'second-instance', {}, [], '/');
    expect(lastWindow().focus).toHaveBeenCalled();
  });

  it('says why when the engine cannot start, and quits', async () => {
    fake.startEngine.mockImplementationOnce(() => Promise.reject(new Error('port in use')));
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await runDialtoneApp({ preloadPath: '/p.js', rendererDir: '/r', env: {} });
    consoleError.mockRestore();
    expect(fake.dialog.showErrorBox).toHaveBeenCalledWith('Dialtone could not start', 'port in use');
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.FakeBrowserWindow.instances).toHaveLength(0);
  });
});

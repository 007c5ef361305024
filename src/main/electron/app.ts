/**
 * The Electron app's lifecycle: one instance, the engine, one window, a clean quit.
 *
 * The engine runs inside the main process for now. Moving it into a `utilityProcess` is the next
 * step: the voice stages (VAD, local STT/TTS on onnxruntime) will burn CPU for seconds at a time, and
 * in the main process that would stall window input, menus and IPC — and a native crash there takes
 * the whole app down. In a utility process the engine keeps its 127.0.0.1 socket, sends
 * `{ httpUrl, wsUrl, token }` back over `parentPort`, and can be restarted on its own. This file
 * depends only on `startEngine`/`close`, so the move touches it and the build inputs, nothing else.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron';
import { DEFAULT_ENGINE_PORT, startEngine } from '../engine';
import { loadViewerToken } from '../engine/viewer-token';
import { registerEngineConnectionHandler, registerProviderKeyHandlers } from './ipc';
import { ProviderKeyStore } from './keys';
import { registerSaveRecordingHandler } from './recordings';
import { installAppMenu } from './menu';
import { originOf } from './security';
import { createMainWindow, hardenSession, hardenWebContents } from './window';
import { errorMessage } from '../engine/errors';

export interface DialtoneAppOptions {
  /** Built preload (CommonJS), e.g. out/preload/index.js. */
  preloadPath: string;
  /** Built renderer the engine serves, e.g. out/renderer. */
  rendererDir: string;
  /** Defaults to process.env; ELECTRON_RENDERER_URL (set by `electron-vite dev`) selects the dev server. */
  env?: Record<string, string | undefined>;
}

type RunningEngine = Awaited<ReturnType<typeof startEngine>>;

/** Starts the app. Resolves once the window is created (or the app has decided to quit). */
export async function runDialtoneApp(options: DialtoneAppOptions): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    // A second launch hands over to the first (it gets 'second-instance') and leaves.
    app.quit();
    return;
  }
  // Every renderer sandboxed, whatever a later BrowserWindow forgets to say.
  app.enableSandbox();

  const env = options.env ?? process.env;
  // A packaged app never loads a page named by the environment.
  const devUrl = app.isPackaged ? undefined : env['ELECTRON_RENDERER_URL'];
  const devOrigin = devUrl ? originOf(devUrl) : null;

  let engine: RunningEngine | undefined;
  let mainWindow: BrowserWindow | undefined;
  let quitting = false;
  let engineClosing: Promise<void> | undefined;
  let engineClosed = false;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  // 'will-quit' does not wait for promises: hold every quit until the engine has closed its
  // sockets and the turns in flight, then quit for real.
  app.on('will-quit', (event) => {
    if (!engine || engineClosed) return;
    event.preventDefault();
    engineClosing ??= engine
      .close()
      .catch((error: unknown) =>
        console.error(`Dialtone: the engine did not close cleanly: ${errorMessage(error)}`),
      )
      .finally(() => {
        engineClosed = true;
        app.quit();
      });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  try {
    await app.whenReady();
    // Keys entered in the app reach the engine as if from the environment (safeStorage needs ready).
    const engineEnv: Record<string, string | undefined> = { ...env };
    const keys = new ProviderKeyStore(app.getPath('userData'), safeStorage, engineEnv, env);
    await keys.load();
    // The same port and viewer token every launch, so the overlay URL set up in OBS keeps working.
    const started = await startEngine({
      port: DEFAULT_ENGINE_PORT,
      portFallback: true,
      viewerToken: loadViewerToken(env),
      env: engineEnv,
      persistSettings: true,
      staticDir: options.rendererDir,
      extraOrigins: devOrigin ? [devOrigin] : [],
    });
    if (quitting) {
      // The user quit while the engine was starting; nothing else will close it.
      await started.close();
      return;
    }
    engine = started;
    if (started.portTakenFallback !== null) {
      console.error(
        `Dialtone: port ${started.portTakenFallback} is in use (another Dialtone?): using ${started.port} instead; ` +
          'the overlay URL differs from the usual one for this run.',
      );
    }
    process.stdout.write(`Dialtone overlay: ${started.overlayUrl}\n`);

    const ownOrigin = originOf(started.httpUrl);
    if (!ownOrigin) throw new Error(`the engine reported an unusable address: ${started.httpUrl}`);
    const allowedOrigins = devOrigin ? [ownOrigin, devOrigin] : [ownOrigin];
    hardenSession(session.defaultSession, { allowedOrigins, cspBackstop: !devUrl });
    app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, allowedOrigins));
    registerEngineConnectionHandler(ipcMain, { wsUrl: started.wsUrl, token: started.token }, allowedOrigins);
    registerProviderKeyHandlers(ipcMain, keys, allowedOrigins, () => started.engine.providersChanged());
    // Recordings made in the app go to the user's videos folder.
    registerSaveRecordingHandler(ipcMain, path.join(app.getPath('videos'), 'Dialtone'), allowedOrigins);
    installAppMenu({ isDev: Boolean(devUrl), platform: process.platform, appName: app.name });

    const openWindow = (): void => {
      mainWindow = createMainWindow({
        preloadPath: options.preloadPath,
        // Production loads from the engine, so the page's origin is the engine's own.
        url: devUrl ?? `${started.httpUrl}/`,
        allowedOrigins,
      });
      mainWindow.on('closed', () => {
        mainWindow = undefined;
      });
    };
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
    openWindow();
  } catch (error) {
    const message = `Dialtone could not start: ${errorMessage(error)}`;
    console.error(message);
    dialog.showErrorBox('Dialtone could not start', errorMessage(error));
    app.quit();
  }
}

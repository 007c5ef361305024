/**
 * The main window and the guards on every page Electron shows: no new windows, no navigation off
 * our origin, permissions only for our origin, a CSP on responses that lack one.
 *
 * The window's web preferences are written out at the `new BrowserWindow` call on purpose: security
 * scanners (electronegativity, `npm run security`) read that object literally, and so does a reviewer.
 */
import { BrowserWindow, type Session, type WebContents } from 'electron';
import { allowPermissionCheck, allowPermissionRequest, isOwnOrigin, withCsp } from './security';
import { errorMessage } from '../engine/errors';

export { isOwnOrigin } from './security';

const hardened = new WeakSet<WebContents>();

/**
 * Deny window.open (no page of ours opens windows or external links), block navigation and redirects
 * off our origins, refuse webviews. Idempotent: the app hooks every new WebContents, and the window calls it too.
 */
export function hardenWebContents(contents: WebContents, allowedOrigins: readonly string[]): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);

  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (!isOwnOrigin(event.url, allowedOrigins)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isOwnOrigin(event.url, allowedOrigins)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface SessionPolicy {
  allowedOrigins: readonly string[];
  /**
   * Add the app's CSP (see `withCsp`) to responses without one. Off for the Vite dev server in
   * `npm run dev`: its page carries the meta CSP with a per-run nonce for the scripts Vite injects,
   * which a second, nonce-less policy would block.
   */
  cspBackstop: boolean;
}

/** Permission handlers (media only, our origin only) and the CSP backstop, on one session. */
export function hardenSession(ses: Session, { allowedOrigins, cspBackstop }: SessionPolicy): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(allowPermissionRequest(permission, details, allowedOrigins));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    allowPermissionCheck(permission, requestingOrigin, details, allowedOrigins),
  );
  // USB, HID and serial: nothing of ours uses them.
  ses.setDevicePermissionHandler(() => false);
  if (cspBackstop) {
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: withCsp(details.responseHeaders) });
    });
  }
}

export interface MainWindowOptions {
  preloadPath: string;
  /** The page to load: the engine's `${httpUrl}/`, or the Vite dev server in `npm run dev`. */
  url: string;
  allowedOrigins: readonly string[];
}

export function createMainWindow({ preloadPath, url, allowedOrigins }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 520,
    title: 'Dialtone',
    backgroundColor: '#0d1117',
    // Shown once painted, so a presenter never sees a white flash on stage.
    show: false,
    // No Node, isolated, sandboxed, web security on, no webviews, no middle-click windows.
    webPreferences: {
      preload: preloadPath,
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
      // The bot's voice must play without a click first: a presenter's first typed message gets a spoken reply.
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  hardenWebContents(window.webContents, allowedOrigins);
  window.once('ready-to-show', () => window.show());
  window.loadURL(url).catch((error: unknown) => {
    console.error(`Dialtone: could not load ${url}: ${errorMessage(error)}`);
  });
  return window;
}

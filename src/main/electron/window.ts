/**
 * The main window and the guards on every page Electron shows: no new windows, no navigation off
 * our origin, permissions only for our origin, a CSP on responses that lack one.
 */
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import {
  allowPermissionCheck,
  allowPermissionRequest,
  isOwnOrigin,
  isSafeExternalUrl,
  secureWebPreferences,
  withCsp,
} from './security';

export { isOwnOrigin, secureWebPreferences } from './security';

const hardened = new WeakSet<WebContents>();

/**
 * Deny window.open (https links go to the system browser), block navigation and redirects off our
 * origins, refuse webviews. Idempotent: the app hooks every new WebContents, and the window calls it too.
 */
export function hardenWebContents(contents: WebContents, allowedOrigins: readonly string[]): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);

  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
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
  /** Added to responses without a CSP (see `contentSecurityPolicy`). */
  csp: string;
}

/** Permission handlers (media only, our origin only) and the CSP backstop, on one session. */
export function hardenSession(ses: Session, { allowedOrigins, csp }: SessionPolicy): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(allowPermissionRequest(permission, details, allowedOrigins));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    allowPermissionCheck(permission, requestingOrigin, details, allowedOrigins),
  );
  // USB, HID and serial: nothing of ours uses them.
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders, csp) });
  });
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
    webPreferences: secureWebPreferences(preloadPath),
  });
  hardenWebContents(window.webContents, allowedOrigins);
  window.once('ready-to-show', () => window.show());
  window.loadURL(url).catch((error: unknown) => {
    console.error(
      `Dialtone: could not load ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  return window;
}

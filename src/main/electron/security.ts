/**
 * Pure security decisions for the Electron shell: which origins are ours, which permissions a page
 * gets, which links leave the app, and the CSP. No Electron values here, so every rule is unit-tested
 * without a runtime; `window.ts` wires them into Electron.
 */
import type { WebPreferences } from 'electron';

/** The only permissions a page of ours may get. 'display-capture' joins when screen recording lands. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['media']);

/** `scheme://host:port` of an http(s) URL, or null for anything else (file:, data:, about:, junk). */
export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.origin;
  } catch {
    return null;
  }
}

/** Is `url` on one of our own origins (the engine's page, or the dev server in `npm run dev`)? */
export function isOwnOrigin(url: string | undefined | null, allowedOrigins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && allowedOrigins.some((allowed) => originOf(allowed) === origin);
}

/** Links a page asks to open go to the system browser only when they are https. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The renderer's web preferences: no Node, isolated, sandboxed, web security on, no webviews. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
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
    // The bot's voice must play without a click first: a presenter's first typed message gets a spoken reply.
    autoplayPolicy: 'no-user-gesture-required',
  };
}

/** A permission *request* (e.g. getUserMedia). Media means the microphone; the camera is refused. */
export function allowPermissionRequest(
  permission: string,
  details: { requestingUrl?: string; mediaTypes?: readonly string[] },
  allowedOrigins: readonly string[],
): boolean {
  if (!GRANTED_PERMISSIONS.has(permission)) return false;
  if (!isOwnOrigin(details.requestingUrl, allowedOrigins)) return false;
  return !(details.mediaTypes ?? []).includes('video');
}

/** A permission *check* (e.g. enumerateDevices labels, permissions.query). Same rule as requests. */
export function allowPermissionCheck(
  permission: string,
  requestingOrigin: string,
  details: { securityOrigin?: string; embeddingOrigin?: string; mediaType?: string },
  allowedOrigins: readonly string[],
): boolean {
  if (!GRANTED_PERMISSIONS.has(permission)) return false;
  if (!isOwnOrigin(requestingOrigin, allowedOrigins)) return false;
  if (details.securityOrigin && !isOwnOrigin(details.securityOrigin, allowedOrigins)) return false;
  if (details.embeddingOrigin && !isOwnOrigin(details.embeddingOrigin, allowedOrigins)) return false;
  return details.mediaType !== 'video';
}

/** `ws://host:port` for an http(s) or ws(s) URL, for connect-src. */
export function socketOriginOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    const scheme =
      parsed.protocol === 'https:' || parsed.protocol === 'wss:'
        ? 'wss:'
        : parsed.protocol === 'http:' || parsed.protocol === 'ws:'
          ? 'ws:'
          : null;
    return scheme ? `${scheme}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

export interface CspOptions {
  /** Extra connect-src sources besides 'self' (the engine's ws://127.0.0.1:PORT, Vite's HMR socket). */
  connectSources: readonly string[];
  /**
   * `npm run dev`: Vite injects React Fast Refresh's preamble as an inline module script, which a
   * strict script-src would block. The dev server listens on loopback only; builds never get this.
   */
  dev: boolean;
}

/**
 * The policy main adds to any response that has none (the Vite dev server). The engine sends its
 * own, stricter-or-equal policy for the built renderer, and that one is left untouched.
 */
export function contentSecurityPolicy({ connectSources, dev }: CspOptions): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['media-src', ["'self'", 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...connectSources]],
    ['worker-src', ["'self'", 'blob:']],
    ['frame-src', ["'none'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** Response headers with `csp` added, unless the response already carries a policy of its own. */
export function withCsp(
  headers: Record<string, string | string[]> | undefined,
  csp: string,
): Record<string, string | string[]> {
  const result = { ...(headers ?? {}) };
  const hasPolicy = Object.keys(result).some((name) => name.toLowerCase() === 'content-security-policy');
  if (!hasPolicy) result['Content-Security-Policy'] = [csp];
  return result;
}

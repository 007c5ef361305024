/**
 * Pure security decisions for the Electron shell: which origins are ours, which permissions a page
 * gets, and the CSP. No Electron values here, so every rule is unit-tested
 * without a runtime; `window.ts` wires them into Electron.
 */

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

/** Does `headers` already carry a policy (the engine's own, on every file it serves)? */
export function hasCsp(headers: Record<string, string | string[]> | undefined): boolean {
  return Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'content-security-policy');
}

/**
 * Response headers with the app's policy added, unless the response already carries one. The policy
 * is the engine's `RENDERER_CSP` (a unit test keeps them equal), written out as a literal so that
 * Electron security scanners, which read source and not values, can parse and evaluate it.
 */
export function withCsp(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string | string[]> {
  const result = { ...(headers ?? {}) };
  if (hasCsp(result)) return result;
  result['Content-Security-Policy'] =
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return result;
}

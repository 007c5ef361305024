/**
 * Close codes on the engine socket, and how a page puts them in words. The engine closes a client
 * with `SLOW_CLIENT_CLOSE` when it stays too far behind (see main/engine/client-queue.ts); the page
 * reconnects and resyncs from `hello`, and its footer says why.
 */

/** The engine closed this client: it fell too far behind the events sent to it. */
export const SLOW_CLIENT_CLOSE = 4008;
/** Sent with `SLOW_CLIENT_CLOSE`; a close reason may carry at most 123 bytes. */
export const SLOW_CLIENT_REASON = 'this viewer fell too far behind the engine; reconnecting';

/**
 * Engine HTTP route a page asks after a failed connection (`?token=…`): 204 when the token is
 * accepted, 401 when not. A browser reports a refused upgrade only as close code 1006.
 */
export const TOKEN_CHECK_PATH = '/token-check';

/** What a failed connection turned out to be, once the page asked `TOKEN_CHECK_PATH`. */
export type ConnectionProblem = 'token_refused' | 'engine_unreachable';

/** Which page is asking: the app (control token) or the /overlay page (viewer token). */
export type PageKind = 'app' | 'overlay';

/** The engine answered but refused this page's token, in plain words. */
export function describeTokenRefused(page: PageKind): string {
  const again =
    page === 'overlay'
      ? 'copy the overlay address from the app again'
      : 'open the address `bin/dialtone web` printed when it started this time';
  return `This address is out of date (the engine restarted with a new token): ${again}`;
}

/** Nothing answered at the engine's address, in plain words. */
export function describeUnreachable(host: string): string {
  return `The engine is not running at ${host}`;
}

/** What a socket close means to the person looking at the page, in plain words. */
export function describeClose(code: number, reason: string): string {
  switch (code) {
    case SLOW_CLIENT_CLOSE:
      return 'this page fell too far behind the engine (a frozen or hidden tab?), so the engine dropped it; it reconnects and catches up';
    case 1000:
      return reason || 'the engine closed the connection';
    case 1001:
      return 'the engine is shutting down or restarting';
    case 1006:
      return 'the connection to the engine dropped (the engine stopped, or the network went away)';
    case 1009:
      return 'a message was too large for the engine, so it closed the connection';
    default:
      return reason ? `${reason} (code ${code})` : `the connection to the engine closed (code ${code})`;
  }
}

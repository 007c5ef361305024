/**
 * Close codes on the engine socket, and how a page puts them in words. The engine closes a client
 * with `SLOW_CLIENT_CLOSE` when it stays too far behind (see main/engine/client-queue.ts); the page
 * reconnects and resyncs from `hello`, and its footer says why.
 */

/** The engine closed this client: it fell too far behind the events sent to it. */
export const SLOW_CLIENT_CLOSE = 4008;
/** Sent with `SLOW_CLIENT_CLOSE`; a close reason may carry at most 123 bytes. */
export const SLOW_CLIENT_REASON = 'this viewer fell too far behind the engine; reconnecting';

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

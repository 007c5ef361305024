/**
 * `readyFetch`: the global fetch, made safe against a server that accepts and closes at once.
 *
 * Why: Node 20's bundled undici (6.x) compiles its HTTP parser (llhttp, WebAssembly) asynchronously
 * the first time fetch is used, and a new connection gets its `end`/`close`/`error` listeners only
 * after that compile has finished (`connectH1` awaits it). A server that accepts and closes the
 * socket within those ~50 ms ends it while nobody is listening, so that first request never settles:
 * `dialtone chat` against such a server waited for the stall timer (20 s) and then blamed silence.
 * Later requests in the same process are fine (the parser exists by then), which is why only the
 * first fetch of a process hung. undici 7 compiles the parser synchronously and has no such window.
 *
 * The fix: before the first real request, one request to a throwaway server on 127.0.0.1 that answers
 * properly. That connection waits out the compile; every later connection attaches its listeners at
 * once, and a server that closes straight away is reported as `other side closed` within milliseconds.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const undiciMajor = Number((process.versions as Record<string, string | undefined>).undici?.split('.')[0]);
/**
 * undici before 7 compiles its parser lazily: 6.24 as bundled with Node 20.20 does; Node 22 (and so
 * Electron's main process) bundles 6.x too. An unknown version gets the warm-up as well: it costs one
 * loopback round trip, once per process.
 */
const PARSER_COMPILED_LATE = !(undiciMajor >= 7);
/** The warm-up talks to its own loopback server; if even that takes this long, give up on it, ms. */
const WARM_UP_TIMEOUT_MS = 5_000;

let parserReady: Promise<void> | undefined;

export const readyFetch: Fetch = async (input, init) => {
  if (PARSER_COMPILED_LATE) await (parserReady ??= compileHttpParser());
  return fetch(input, init);
};

/** One request to a one-shot loopback server: resolves once undici's parser exists. Never rejects. */
async function compileHttpParser(): Promise<void> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.end('HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n'));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(WARM_UP_TIMEOUT_MS) });
    await res.body?.cancel();
  } catch {
    // No loopback to listen on: requests still work, only an instant close on the first one stays slow.
  } finally {
    server.close();
  }
}

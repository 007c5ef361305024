/**
 * The engine's front door on 127.0.0.1: the built renderer over HTTP (web mode and the Electron
 * window load it from here) and the engine WebSocket at /engine. A socket needs the per-launch
 * token and an allowed Origin; every message is size-checked and schema-validated before the
 * engine sees it, and a bad message is answered with an error while the connection stays up.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { createHash, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  ClientMessage,
  ENGINE_WS_PATH,
  MAX_CLIENT_MESSAGE_BYTES,
  TOKEN_PARAM,
  type EngineEvent,
} from '../../shared/protocol';
import { AUDIO_IN, AudioFrameError, decodeAudioFrame } from '../../shared/audio-frames';
import { TOKEN_CHECK_PATH } from '../../shared/socket-close';
import type { Engine } from './engine';
import { errorEvent, ProviderError } from './errors';
import {
  ClientSendQueue,
  DEFAULT_SEND_LIMITS,
  type SendQueueLimits,
  type SendQueueStats,
} from './client-queue';

/** Hard cap per WebSocket frame; larger frames close the connection (ws enforces it while reading). */
const MAX_FRAME_BYTES = 1024 * 1024;

export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.woff2': 'font/woff2',
};

export interface EngineServerOptions {
  engine: Engine;
  token: string;
  /** Read-only token (the /overlay page): its sockets get every event but may not control anything. */
  viewerToken?: string;
  port: number;
  /** Built renderer folder; without it, pages answer 503 with how to build. */
  staticDir?: string;
  /** Origins allowed besides the server's own (e.g. the electron-vite dev server). */
  extraOrigins: string[];
  /** Counts of what was refused, for diagnostics and tests. */
  stats: EngineServerStats;
  /** Bounds of each client's send queue; default `DEFAULT_SEND_LIMITS`. */
  sendLimits?: SendQueueLimits;
}

/** Counts of what was refused, and what the per-client send queues did (see client-queue.ts). */
export interface EngineServerStats extends SendQueueStats {
  rejectedUpgrades: number;
  droppedMessages: number;
  droppedAudioFrames: number;
}

/** Counters at zero, for a server about to start. */
export function newServerStats(): EngineServerStats {
  return {
    rejectedUpgrades: 0,
    droppedMessages: 0,
    droppedAudioFrames: 0,
    slowClientsClosed: 0,
    coalescedTokenBatches: 0,
    skippedAudioFrames: 0,
  };
}

function toView(data: Buffer | ArrayBuffer): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export async function listenEngineServer(
  opts: EngineServerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const server = createServer((req, res) => {
    if (answerTokenCheck(req, res, opts.token, opts.viewerToken)) return;
    serveStatic(req, res, opts.staticDir);
  });
  let ownOrigins: string[] = [];
  let overlayUrl: string | undefined;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const allowed = [...ownOrigins, ...opts.extraOrigins];
    const refusal = checkUpgrade(req, opts.token, allowed, opts.viewerToken);
    if (typeof refusal === 'string') {
      opts.stats.rejectedUpgrades += 1;
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const readOnly = refusal?.readOnly === true;
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws, opts, { readOnly, overlayUrl }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('engine server has no TCP address');
  ownOrigins = [`http://127.0.0.1:${address.port}`, `http://localhost:${address.port}`];
  if (opts.viewerToken !== undefined) {
    overlayUrl = `${ownOrigins[0]}/overlay?${TOKEN_PARAM}=${encodeURIComponent(opts.viewerToken)}`;
  }
  return {
    port: address.port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/**
 * Why an upgrade is refused (an HTTP status line), or null when it may proceed with the control
 * token, or `{ readOnly: true }` when it may proceed with the viewer token.
 */
export function checkUpgrade(
  req: IncomingMessage,
  token: string,
  allowedOrigins: string[],
  viewerToken?: string,
): string | null | { readOnly: true } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== ENGINE_WS_PATH) return '404 Not Found';
  const given = url.searchParams.get(TOKEN_PARAM) ?? '';
  const control = sameSecret(given, token);
  const viewer = !control && viewerToken !== undefined && sameSecret(given, viewerToken);
  if (!control && !viewer) return '401 Unauthorized';
  const origin = req.headers.origin;
  // Browsers always send Origin; a missing one is a local tool (the CLI, tests), which still needs the token.
  if (origin !== undefined && !allowedOrigins.includes(origin)) return '403 Forbidden';
  return viewer ? { readOnly: true } : null;
}

/** What a read-only (viewer) client may still send: clock sync and reads. */
const READ_ONLY_ALLOWED = new Set<ClientMessage['type']>(['ping', 'scenario.list']);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /token-check?token=…`: 204 when the token is the control or the viewer token, 401 otherwise;
 * never a body, never the token. A browser reports a refused socket upgrade (401) only as close
 * code 1006, the same as an engine that is not running, so a page asks here after a failed
 * connection to tell "this address is out of date" from "the engine is not running". True when the
 * request was this route (and is answered).
 */
function answerTokenCheck(
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
  viewerToken: string | undefined,
): boolean {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return false;
  }
  if (url.pathname !== TOKEN_CHECK_PATH) return false;
  const headers = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
    return true;
  }
  const given = url.searchParams.get(TOKEN_PARAM) ?? '';
  // Both compared in full whatever matched, over digests of one length: the time taken says nothing.
  const control = sameDigest(given, token);
  const viewer = viewerToken !== undefined && sameDigest(given, viewerToken);
  res.writeHead(given !== '' && (control || viewer) ? 204 : 401, headers).end();
  return true;
}

function sameDigest(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function attachClient(
  ws: WebSocket,
  opts: EngineServerOptions,
  access: { readOnly: boolean; overlayUrl: string | undefined },
): void {
  // Every event to this client goes through its bounded queue, so one that stops reading costs
  // the engine a few MiB at most before it is closed (and the page reconnects).
  const queue = new ClientSendQueue(
    {
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      isOpen: () => ws.readyState === ws.OPEN,
      write: (data) => ws.send(data, { binary: typeof data !== 'string' }),
      close: (code, reason) => ws.close(code, reason),
    },
    opts.stats,
    opts.sendLimits ?? DEFAULT_SEND_LIMITS,
  );
  const client = {
    // Only a control client learns the overlay address (it carries the viewer token).
    send: (event: EngineEvent): void =>
      queue.send(
        event.type === 'hello' && !access.readOnly && access.overlayUrl !== undefined
          ? { ...event, overlayUrl: access.overlayUrl }
          : event,
      ),
    sendBinary: (data: ArrayBuffer): void => queue.sendBinary(data),
  };
  let lastAudioErrorMs = -Infinity;
  const disconnect = opts.engine.connect(client);
  const refuse = (code: string, message: string): void => {
    opts.stats.droppedMessages += 1;
    // A refused message is refused again if sent as it is.
    client.send(errorEvent(new ProviderError('protocol', code, message, false), { stage: 'protocol' }));
  };

  const readOnlyMessage =
    'this connection is read-only (the overlay viewer token): it cannot control the engine';
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary && access.readOnly) {
      opts.stats.droppedAudioFrames += 1;
      const now = performance.now();
      if (now - lastAudioErrorMs >= 1000) {
        lastAudioErrorMs = now;
        refuse('read_only', readOnlyMessage);
      }
      return;
    }
    if (isBinary) {
      try {
        const frame = decodeAudioFrame(Array.isArray(data) ? Buffer.concat(data) : toView(data));
        if (frame.kind !== AUDIO_IN)
          throw new AudioFrameError('only audio.in frames may be sent to the engine');
        opts.engine.handleAudio(frame);
      } catch (err) {
        if (!(err instanceof AudioFrameError)) throw err;
        opts.stats.droppedAudioFrames += 1;
        // A misbehaving sender would flood the client with errors: say it at most once a second.
        const now = performance.now();
        if (now - lastAudioErrorMs >= 1000) {
          lastAudioErrorMs = now;
          const message = `audio frame dropped (${opts.stats.droppedAudioFrames} so far): ${err.message}`;
          const refused = new ProviderError('audio', 'bad_audio_frame', message, false);
          client.send(errorEvent(refused, { stage: 'audio' }));
        }
      }
      return;
    }
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (bytes > MAX_CLIENT_MESSAGE_BYTES) {
      refuse('too_large', `message of ${bytes} bytes is over the ${MAX_CLIENT_MESSAGE_BYTES}-byte limit`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      refuse('bad_json', 'message is not valid JSON');
      return;
    }
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
      refuse('bad_message', `invalid message${where}: ${issue?.message ?? 'does not match the protocol'}`);
      return;
    }
    if (access.readOnly && !READ_ONLY_ALLOWED.has(parsed.data.type)) {
      refuse('read_only', `${parsed.data.type} refused: ${readOnlyMessage}`);
      return;
    }
    opts.engine.handle(client, parsed.data);
  });
  ws.on('close', () => {
    queue.dispose();
    disconnect();
  });
  ws.on('error', () => ws.terminate());
}

function serveStatic(req: IncomingMessage, res: ServerResponse, staticDir: string | undefined): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  if (!staticDir) {
    res
      .writeHead(503, { 'Content-Type': 'text/plain' })
      .end('The renderer is not built: run `bin/dialtone web`.\n');
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  // Client-side routes (/, /overlay) all load the app shell.
  const relative = extname(pathname) === '' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '');
  const file = join(staticDir, relative);
  if (relative.startsWith('..') || !file.startsWith(staticDir.endsWith(sep) ? staticDir : staticDir + sep)) {
    res.writeHead(404).end();
    return;
  }
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Content-Security-Policy': RENDERER_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

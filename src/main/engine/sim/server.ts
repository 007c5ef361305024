/**
 * The simulated OpenAI-compatible inference backend: the app's offline default, `bin/dialtone sim`,
 * and the tests' known-latency source. HTTP, routing and errors live here; the completion itself is
 * in completion.ts.
 *
 * Routes: `GET /health`, `GET /v1/models`, `GET /v1/models/{id}`, `POST /v1/chat/completions`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SIM_KNOBS, type SimKnobs } from '../../../shared/lane-spec';
import { systemClock, type Clock } from '../clock';
import { runCompletion, SIM_MODEL_ID } from './completion';
import { mergeKnobs, parseSimControlHeader, SIM_CONTROL_HEADER, SimControl } from './control';
import { sendError, sendJson } from './errors';
import { parseChatRequest } from './request';
import { errorMessage } from '../errors';

export { SIM_MODEL_ID };

/** How long an idle connection to the simulated backend stays open, ms. */
const SIM_KEEP_ALIVE_MS = 10 * 60_000;

export interface SimServerOptions {
  /** Interface to listen on; default 127.0.0.1 (never exposed beyond the machine unless asked). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Knobs for requests without a control header (the `bin/dialtone sim` flags); unset ones use DEFAULT_SIM_KNOBS. */
  defaults?: Partial<SimKnobs>;
  /** Clock the pacing and `time_info` are measured on; default the process's monotonic clock. */
  clock?: Clock;
}

export interface SimServer {
  /** Base URL for OpenAI clients, e.g. `http://127.0.0.1:8787/v1`. */
  url: string;
  port: number;
  /** Stops listening and closes every open connection, stalled streams included. Idempotent. */
  close(): Promise<void>;
}

/** Largest request body accepted, bytes (OpenAI-style 413 above it). */
export const MAX_BODY_BYTES = 1 << 20;
/** Beyond this the upload is not even drained: the connection is cut. */
const MAX_DRAIN_BYTES = 16 << 20;
/** Scripted replies travel in a header, so allow headers far above Node's 16 KiB default. */
const MAX_HEADER_BYTES = 1 << 20;

/** Starts the server; rejects if the port cannot be bound or the defaults are invalid. */
export async function startSimServer(opts: SimServerOptions = {}): Promise<SimServer> {
  const clock = opts.clock ?? systemClock;
  const defaults = checkDefaults(opts.defaults ?? {});
  const host = opts.host ?? '127.0.0.1';
  /** Cancel functions of completions in flight, so close() can stop their timers. */
  const active = new Set<() => void>();

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, noDelay: true }, (req, res) => {
    const arrivedAtMs = clock.now();
    // No request, however odd its URL or body, may throw out of here: that would end the process.
    try {
      dispatch(req, res, arrivedAtMs);
    } catch (err) {
      internalError(res, err);
    }
  });
  // Node's default 5 s would close the engine's warm connection while a presenter sets up the next
  // lane; the first turn after that paid a new connection and cold code on its TTFT. The client
  // (undici) keeps a socket as long as the server's Keep-Alive header allows.
  server.keepAliveTimeout = SIM_KEEP_ALIVE_MS;

  function dispatch(req: IncomingMessage, res: ServerResponse, arrivedAtMs: number): void {
    // Split by hand: `new URL` throws on request targets such as "//".
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const route = (allowed: string, handler: () => void): void => {
      if (method === allowed) handler();
      else
        sendError(res, 405, `Method ${method} not allowed on ${path}; use ${allowed}.`, {
          headers: { allow: allowed },
        });
    };

    if (path === '/health') {
      route('GET', () => sendJson(res, { status: 'ok', model: SIM_MODEL_ID, activeRequests: active.size }));
    } else if (path === '/v1/models') {
      route('GET', () => sendJson(res, { object: 'list', data: [modelObject()] }));
    } else if (path.startsWith('/v1/models/')) {
      const id = path.slice('/v1/models/'.length);
      route('GET', () =>
        id === SIM_MODEL_ID
          ? sendJson(res, modelObject())
          : sendError(res, 404, `The model '${id}' does not exist.`, {
              param: 'model',
              code: 'model_not_found',
            }),
      );
    } else if (path === '/v1/chat/completions') {
      route(
        'POST',
        () => void handleChat(req, res, arrivedAtMs).catch((err: unknown) => internalError(res, err)),
      );
    } else {
      sendError(res, 404, `Unknown request URL: ${method} ${path}.`, { code: 'unknown_url' });
    }
  }

  async function handleChat(req: IncomingMessage, res: ServerResponse, arrivedAtMs: number): Promise<void> {
    const body = await readBody(req, res);
    if (body === null) return;
    const control = parseSimControlHeader(req.headers[SIM_CONTROL_HEADER]);
    if (!control.ok) return sendError(res, 400, control.message, { param: SIM_CONTROL_HEADER });
    const parsed = parseChatRequest(body);
    if (!parsed.ok) return sendError(res, 400, parsed.message, { param: parsed.param });
    const { request } = parsed;
    const knobs = mergeKnobs(defaults, control.control);
    // The request's own `seed` (OpenAI's reproducibility field) applies when the header does not set one.
    if (control.control.seed === undefined && typeof request.seed === 'number') knobs.seed = request.seed;
    const cancel = runCompletion(res, request, {
      clock,
      knobs,
      fault: control.control.fault,
      reply: control.control.reply,
      arrivedAtMs,
    });
    if (res.writableFinished || res.destroyed) return;
    active.add(cancel);
    res.on('close', () => active.delete(cancel));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const cancel of active) cancel();
        server.close(() => resolve());
        // Streams (stalled ones too) and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function checkDefaults(partial: Partial<SimKnobs>): SimKnobs {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const parsed = SimControl.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `simulated backend: invalid default ${issue.path.join('.') || 'knobs'}: ${issue.message}`,
    );
  }
  return mergeKnobs(DEFAULT_SIM_KNOBS, parsed.data);
}

/** A bug in the simulator must cost one request, not the server. */
function internalError(res: ServerResponse, err: unknown): void {
  const message = errorMessage(err);
  if (res.headersSent) res.destroy();
  else sendError(res, 500, `simulated backend internal error: ${message}`, { type: 'server_error' });
}

function modelObject(): object {
  return { id: SIM_MODEL_ID, object: 'model', created: 1_767_225_600, owned_by: 'dialtone' };
}

/**
 * Reads the request body as UTF-8, or answers 413 and returns null when it is over MAX_BODY_BYTES.
 * An oversized upload is drained (up to a hard cap) before answering, so the client reads the 413
 * instead of a connection reset mid-upload. Returns null, too, when the client goes away.
 */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_DRAIN_BYTES) {
    tooLarge(res, declared, true);
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (bytes > MAX_DRAIN_BYTES) req.destroy();
    });
    req.on('end', () => {
      if (bytes <= MAX_BODY_BYTES) return resolve(Buffer.concat(chunks).toString('utf8'));
      tooLarge(res, bytes, false);
      resolve(null);
    });
    req.on('error', () => resolve(null));
    req.on('close', () => resolve(null)); // no-op after 'end' (a promise settles once)
  });
}

function tooLarge(res: ServerResponse, bytes: number, close: boolean): void {
  sendError(res, 413, `Request body too large: ${bytes} bytes (limit ${MAX_BODY_BYTES} bytes).`, {
    code: 'request_too_large',
    close,
  });
}

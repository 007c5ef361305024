/**
 * The renderer's one connection to the engine: a WebSocket carrying JSON events. Every incoming
 * event is validated against the shared protocol (invalid ones are dropped and counted); a dropped
 * socket is reopened with backoff; the engine clock is tracked by ping/pong bursts.
 */
import { AudioFrameError, decodeAudioFrame, type AudioFrame } from '../../shared/audio-frames';
import { errorMessage } from '../../shared/error-message';
import { EngineEvent, TOKEN_PARAM, type ClientMessage } from '../../shared/protocol';
import type { EngineConnection } from '../../shared/preload-api';
import {
  describeClose,
  describeTokenRefused,
  describeUnreachable,
  TOKEN_CHECK_PATH,
  type ConnectionProblem,
  type PageKind,
} from '../../shared/socket-close';
import { bestOfBurst, provisionalSync, type ClockSync, type PongSample } from './clock-sync';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface ConnectionInfo {
  status: ConnectionStatus;
  /** Failed attempts since the last open socket. */
  attempt: number;
  /** When reconnecting: the delay before the next attempt, ms. */
  retryInMs?: number;
  /** Why the last attempt failed or the socket closed, when known. */
  reason?: string;
  /**
   * Why the last open socket closed, in words; kept once the page is connected again, so it can
   * say why it reconnected (e.g. the engine dropped it for falling behind).
   */
  lastDrop?: string;
  /**
   * When a connection failed before it opened, what the engine's token check said: the engine
   * refused this page's token (an address from an earlier launch), or nothing answered at all.
   */
  problem?: ConnectionProblem;
}

/** What `GET /token-check` said: accepted, refused (401), or no engine answered. */
export type TokenCheck = 'ok' | 'refused' | 'unreachable';

export interface EngineClientHandlers {
  onEvent(event: EngineEvent): void;
  onConnection(info: ConnectionInfo): void;
  onClock(sync: ClockSync): void;
  /** An event failed validation and was dropped; `total` counts them since start. */
  onInvalid(total: number, reason: string): void;
  /** A binary audio frame (speech to play), already decoded. */
  onAudio?(frame: AudioFrame): void;
}

export interface EngineClientOptions {
  /** Where the engine is; asked again before every reconnect (its port may change across restarts). */
  connection: () => Promise<EngineConnection>;
  /** Local monotonic clock, ms. */
  now?: () => number;
  createSocket?: (url: string) => WebSocket;
  /** Pings per clock-sync burst. */
  burstSize?: number;
  /** Time between clock-sync bursts, ms. */
  syncEveryMs?: number;
  /** Which page this is, for the words of a refused token; default `app`. */
  page?: PageKind;
  /** Asks the engine whether it accepts the token; default `checkTokenOverHttp`. */
  checkToken?: (conn: EngineConnection) => Promise<TokenCheck>;
  /** Retry delay while the engine refuses the token (it may come back with the same one), ms. */
  refusedRetryMs?: number;
}

/** Reconnect delays, ms; the last one repeats. */
const BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000];
/** While the token is refused: retry now and then, in case the engine comes back with this token. */
const REFUSED_RETRY_MS = 10_000;
/** A ping without a pong after this long ends its burst with what it has. */
const PONG_TIMEOUT_MS = 2_000;

export function engineSocketUrl(conn: EngineConnection): string {
  const url = new URL(conn.wsUrl);
  url.searchParams.set(TOKEN_PARAM, conn.token);
  return url.toString();
}

/** The engine's token-check address for a connection: same host as its socket, over HTTP(S). */
export function tokenCheckUrl(conn: EngineConnection): string {
  const url = new URL(conn.wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = TOKEN_CHECK_PATH;
  url.search = '';
  url.hash = '';
  url.searchParams.set(TOKEN_PARAM, conn.token);
  return url.toString();
}

/** `GET /token-check`: 204 accepted, 401 refused, no answer at all: the engine is not running. */
export async function checkTokenOverHttp(conn: EngineConnection): Promise<TokenCheck> {
  let status: number;
  try {
    const res = await fetch(tokenCheckUrl(conn), {
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    status = res.status;
  } catch {
    return 'unreachable';
  }
  // Anything else (an older engine without the route, a proxy) says nothing about the token.
  return status === 401 ? 'refused' : 'ok';
}

export class EngineClient {
  private socket: WebSocket | null = null;
  private stopped = true;
  private attempt = 0;
  private lastDrop: string | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private syncTimer: ReturnType<typeof setTimeout> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private invalid = 0;
  private pingId = 0;
  private pending: { id: number; sentAtMs: number } | null = null;
  private burst: PongSample[] = [];
  private sync: ClockSync | null = null;
  private readonly now: () => number;
  private readonly burstSize: number;
  private readonly syncEveryMs: number;

  constructor(
    private readonly handlers: EngineClientHandlers,
    private readonly opts: EngineClientOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.burstSize = opts.burstSize ?? 6;
    this.syncEveryMs = opts.syncEveryMs ?? 5_000;
  }

  /** The current engine-clock estimate (null before the first `hello`). */
  get clock(): ClockSync | null {
    return this.sync;
  }

  /** Engine time now, by the current estimate (null before the first `hello`). */
  engineNow(): number | null {
    return this.sync === null ? null : this.now() + this.sync.offsetMs;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.report({ status: 'connecting', attempt: 0 });
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'client stopped');
    this.report({ status: 'stopped', attempt: this.attempt });
  }

  /** Sends a message; false when the socket is not open (the caller shows the disconnected state). */
  send(message: ClientMessage): boolean {
    const socket = this.socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Sends a binary audio frame (see shared/audio-frames.ts); false when the socket is not open. */
  sendBinary(data: ArrayBuffer): boolean {
    const socket = this.socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(data);
    return true;
  }

  private async open(): Promise<void> {
    let url: string;
    let conn: EngineConnection;
    try {
      conn = await this.opts.connection();
      url = engineSocketUrl(conn);
    } catch (err) {
      this.scheduleReconnect(errorMessage(err));
      return;
    }
    if (this.stopped) return;
    let socket: WebSocket;
    try {
      socket = this.opts.createSocket ? this.opts.createSocket(url) : new WebSocket(url);
    } catch (err) {
      this.scheduleReconnect(errorMessage(err));
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.attempt = 0;
      this.report({ status: 'open', attempt: 0, lastDrop: this.lastDrop });
      this.startBurst();
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onclose = (ev: { code: number; reason: string }) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers();
      // The engine's `hello` on the next socket resyncs everything this page missed.
      const described = describeClose(ev.code, ev.reason);
      if (opened) {
        this.lastDrop = described;
        if (!this.stopped) this.scheduleReconnect(described);
        return;
      }
      // Never opened: a refused token and a stopped engine both read as 1006 here; ask which.
      void this.diagnose(conn, described);
    };
    // An error is always followed by close, which does the work.
    socket.onerror = () => {};
  }

  private async diagnose(conn: EngineConnection, described: string): Promise<void> {
    let check: TokenCheck;
    try {
      check = await (this.opts.checkToken ?? checkTokenOverHttp)(conn);
    } catch {
      check = 'ok';
    }
    if (this.stopped || this.socket !== null) return;
    if (check === 'refused') {
      this.scheduleReconnect(describeTokenRefused(this.opts.page ?? 'app'), 'token_refused');
    } else if (check === 'unreachable') {
      this.scheduleReconnect(describeUnreachable(new URL(conn.wsUrl).host), 'engine_unreachable');
    } else {
      this.scheduleReconnect(described);
    }
  }

  private scheduleReconnect(reason: string, problem?: ConnectionProblem): void {
    if (this.stopped) return;
    const delay =
      problem === 'token_refused'
        ? (this.opts.refusedRetryMs ?? REFUSED_RETRY_MS)
        : (BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 4_000);
    this.attempt += 1;
    this.report({
      status: 'reconnecting',
      attempt: this.attempt,
      retryInMs: delay,
      reason,
      lastDrop: this.lastDrop,
      ...(problem === undefined ? {} : { problem }),
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.open();
    }, delay);
  }

  private receive(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      try {
        this.handlers.onAudio?.(decodeAudioFrame(data));
      } catch (err) {
        if (!(err instanceof AudioFrameError)) throw err;
        this.dropInvalid(err.message);
      }
      return;
    }
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.dropInvalid('not JSON');
      return;
    }
    const parsed = EngineEvent.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.dropInvalid(`${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim());
      return;
    }
    const event = parsed.data;
    if (event.type === 'pong') {
      this.receivePong(event.id, event.engineAtMs);
      return;
    }
    if (event.type === 'hello' && this.sync === null) {
      this.sync = provisionalSync(event.engineAtMs, this.now());
      this.handlers.onClock(this.sync);
    }
    this.handlers.onEvent(event);
  }

  private dropInvalid(reason: string): void {
    this.invalid += 1;
    this.handlers.onInvalid(this.invalid, reason);
  }

  // ---- clock sync: sequential pings, so no ping waits behind another -------------------------

  private startBurst(): void {
    this.burst = [];
    this.sendPing();
  }

  private sendPing(): void {
    const id = ++this.pingId;
    const sentAtMs = this.now();
    this.pending = { id, sentAtMs };
    if (!this.send({ type: 'ping', id, clientAtMs: sentAtMs })) {
      this.pending = null;
      return;
    }
    this.pongTimer = setTimeout(() => this.endBurst(), PONG_TIMEOUT_MS);
  }

  private receivePong(id: number, engineAtMs: number): void {
    const pending = this.pending;
    if (pending === null || pending.id !== id) return;
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.pongTimer = null;
    this.pending = null;
    this.burst.push({ sentAtMs: pending.sentAtMs, receivedAtMs: this.now(), engineAtMs });
    if (this.burst.length < this.burstSize) this.sendPing();
    else this.endBurst();
  }

  private endBurst(): void {
    this.pongTimer = null;
    this.pending = null;
    const best = bestOfBurst(this.burst);
    this.burst = [];
    if (best !== null) {
      this.sync = best;
      this.handlers.onClock(best);
    }
    if (this.syncTimer !== null) clearTimeout(this.syncTimer);
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      if (this.isOpen) this.startBurst();
    }, this.syncEveryMs);
  }

  private clearTimers(): void {
    for (const timer of [this.retryTimer, this.syncTimer, this.pongTimer]) {
      if (timer !== null) clearTimeout(timer);
    }
    this.retryTimer = this.syncTimer = this.pongTimer = null;
    this.pending = null;
  }

  private report(info: ConnectionInfo): void {
    this.handlers.onConnection(info);
  }
}

/**
 * A bounded send queue per socket client, so a viewer that stops reading (a frozen OBS browser
 * source, a suspended tab) cannot make the engine buffer everything it streams. While the socket
 * has less than `softBytes` waiting, events are written at once. Past that, events are held here in
 * order: token batches of the same lane, turn and kind merge into one batch, and speech audio is
 * skipped (it would play late anyway). A client still behind after `maxBehindMs`, or holding more
 * than `hardBytes`, is closed with `SLOW_CLIENT_CLOSE`; the page reconnects and resyncs from `hello`.
 */
import type { EngineEvent } from '../../shared/protocol';
import { SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON } from '../../shared/socket-close';

/** The parts of a WebSocket the queue uses. */
export interface QueueSocket {
  /** Bytes accepted by the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  isOpen(): boolean;
  write(data: string | ArrayBuffer): void;
  close(code: number, reason: string): void;
}

export interface SendQueueLimits {
  /** With this many bytes waiting in the socket, new events are held instead of written. */
  softBytes: number;
  /** Held events over this many bytes (about: strings count one byte a character) close the client. */
  hardBytes: number;
  /** Behind without catching up for this long closes the client, ms. */
  maxBehindMs: number;
  /** How often a client that is behind is checked for having caught up, ms. */
  drainCheckMs: number;
}

export const DEFAULT_SEND_LIMITS: SendQueueLimits = {
  softBytes: 1024 * 1024,
  hardBytes: 8 * 1024 * 1024,
  maxBehindMs: 10_000,
  drainCheckMs: 25,
};

/** The default limits with `overrides` applied; throws on limits that could never work. */
export function resolveSendLimits(overrides: Partial<SendQueueLimits> = {}): SendQueueLimits {
  const limits = { ...DEFAULT_SEND_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`send queue limit ${name} must be a positive number, not ${value}`);
  }
  if (limits.softBytes > limits.hardBytes) {
    throw new Error(
      `send queue softBytes (${limits.softBytes}) must not exceed hardBytes (${limits.hardBytes})`,
    );
  }
  return limits;
}

/** What the queues did, summed over clients (diagnostics, tests). */
export interface SendQueueStats {
  /** Clients closed with `SLOW_CLIENT_CLOSE`. */
  slowClientsClosed: number;
  /** Token batches merged into a held batch instead of being sent on their own. */
  coalescedTokenBatches: number;
  /** Speech audio frames not sent to a client that was behind. */
  skippedAudioFrames: number;
}

type TokenBatchEvent = Extract<EngineEvent, { type: 'llm.token' | 'llm.reasoning' }>;

type Held =
  | { kind: 'event'; type: EngineEvent['type']; laneId: string | undefined; data: string; bytes: number }
  | { kind: 'batch'; event: TokenBatchEvent; bytes: number };

/** The one lane an event is about, if it is about one. */
function laneOf(event: EngineEvent): string | undefined {
  if (event.type === 'lane.state') return event.lane.laneId;
  return 'laneId' in event ? event.laneId : undefined;
}

/** Rough size of a token batch's JSON besides its text, bytes. */
const BATCH_OVERHEAD_BYTES = 160;
/** How far back a new batch looks for one to merge into (lanes × kinds fit well inside). */
const MERGE_LOOKBACK = 32;

export class ClientSendQueue {
  /** Sent items are cleared to undefined until the array is compacted. */
  private held: (Held | undefined)[] = [];
  /** Index of the oldest held item still to send. */
  private head = 0;
  private heldBytes = 0;
  private behindSinceMs: number | null = null;
  private drainTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(
    private readonly socket: QueueSocket,
    private readonly stats: SendQueueStats,
    private readonly limits: SendQueueLimits = DEFAULT_SEND_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Events waiting in this queue (not counting the socket's own buffer). */
  get heldCount(): number {
    return this.held.length - this.head;
  }

  send(event: EngineEvent): void {
    if (this.closed || !this.socket.isOpen()) return;
    if (this.heldCount === 0 && this.socket.bufferedAmount < this.limits.softBytes) {
      this.socket.write(JSON.stringify(event));
      return;
    }
    this.hold(event);
    this.fallBehind();
  }

  sendBinary(data: ArrayBuffer): void {
    if (this.closed || !this.socket.isOpen()) return;
    if (this.heldCount === 0 && this.socket.bufferedAmount < this.limits.softBytes) {
      this.socket.write(data);
      return;
    }
    // Speech for a viewer this far behind would play late and out of step with its text.
    this.stats.skippedAudioFrames += 1;
    this.fallBehind();
  }

  /** The socket closed: forget what is held. */
  dispose(): void {
    this.closed = true;
    this.stopDraining();
    this.held = [];
    this.head = 0;
    this.heldBytes = 0;
  }

  private hold(event: EngineEvent): void {
    if (event.type === 'llm.token' || event.type === 'llm.reasoning') {
      const into = this.batchToExtend(event);
      if (into) {
        // One batch carrying several: the text joined, the counts summed, the span widened.
        into.event.text += event.text;
        into.event.tokens += event.tokens;
        into.event.totalTokens = event.totalTokens;
        into.event.lastAtMs = event.lastAtMs;
        into.bytes += event.text.length;
        this.heldBytes += event.text.length;
        this.stats.coalescedTokenBatches += 1;
        return;
      }
      // A copy: the same event object goes to every client, and this one will be extended.
      this.push({ kind: 'batch', event: { ...event }, bytes: event.text.length + BATCH_OVERHEAD_BYTES });
      return;
    }
    const data = JSON.stringify(event);
    this.push({ kind: 'event', type: event.type, laneId: laneOf(event), data, bytes: data.length });
  }

  /**
   * The newest held batch of the same lane, turn and kind, if what was held after it is only token
   * batches, `tts.text`, or events of other lanes: merging may move tokens ahead of those, never
   * ahead of their own turn's end, metrics or interrupt, nor of anything that is not about one lane.
   */
  private batchToExtend(event: TokenBatchEvent): Extract<Held, { kind: 'batch' }> | null {
    const stop = Math.max(this.head, this.held.length - MERGE_LOOKBACK);
    for (let i = this.held.length - 1; i >= stop; i--) {
      const item = this.held[i]!;
      if (item.kind === 'event') {
        const otherLane = item.laneId !== undefined && item.laneId !== event.laneId;
        if (otherLane || item.type === 'tts.text') continue;
        return null;
      }
      const e = item.event;
      if (e.type === event.type && e.laneId === event.laneId && e.turnId === event.turnId) return item;
    }
    return null;
  }

  private push(item: Held): void {
    this.held.push(item);
    this.heldBytes += item.bytes;
  }

  /** Starts (or continues) the behind state: watch for catching up, close when past the bounds. */
  private fallBehind(): void {
    this.behindSinceMs ??= this.now();
    this.drainTimer ??= setInterval(() => this.drain(), this.limits.drainCheckMs);
    this.checkBounds();
  }

  private drain(): void {
    if (this.closed || !this.socket.isOpen()) {
      this.dispose();
      return;
    }
    while (this.heldCount > 0 && this.socket.bufferedAmount < this.limits.softBytes) {
      const item = this.held[this.head]!;
      this.held[this.head] = undefined;
      this.head += 1;
      this.heldBytes -= item.bytes;
      this.socket.write(item.kind === 'event' ? item.data : JSON.stringify(item.event));
    }
    if (this.head > 1024 && this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
    if (this.heldCount === 0 && this.socket.bufferedAmount < this.limits.softBytes) {
      this.held = [];
      this.head = 0;
      this.heldBytes = 0;
      this.behindSinceMs = null;
      this.stopDraining();
      return;
    }
    this.checkBounds();
  }

  private checkBounds(): void {
    const behindMs = this.behindSinceMs === null ? 0 : this.now() - this.behindSinceMs;
    if (this.heldBytes <= this.limits.hardBytes && behindMs <= this.limits.maxBehindMs) return;
    this.stats.slowClientsClosed += 1;
    this.dispose();
    this.socket.close(SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON);
  }

  private stopDraining(): void {
    if (this.drainTimer !== null) clearInterval(this.drainTimer);
    this.drainTimer = null;
  }
}

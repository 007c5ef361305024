/**
 * Backpressure toward a client that stops reading (a frozen OBS browser source, a suspended tab).
 * The bug this pins: the engine wrote every event into every socket whether or not the client read
 * it, so its memory grew by about one MB per MB streamed until that client left, and the page never
 * learned why. Now each client has a bounded send queue; past its bounds the engine closes it with
 * `SLOW_CLIENT_CLOSE` and the page reconnects, resyncs from `hello` and says why.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import {
  ClientSendQueue,
  resolveSendLimits,
  type QueueSocket,
  type SendQueueLimits,
  type SendQueueStats,
} from '../../src/main/engine/client-queue';
import { EngineEvent } from '../../src/shared/protocol';
import { SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON, describeClose } from '../../src/shared/socket-close';
import { EngineClient, type ConnectionInfo } from '../../src/renderer/src/engine-client';
import { LiveTurns } from '../../src/renderer/src/stream/live-turns';

type TokenEvent = Extract<EngineEvent, { type: 'llm.token' }>;

function batch(laneId: string, turnId: string, text: string, totalTokens: number, atMs: number): TokenEvent {
  const tokens = text.length;
  return {
    type: 'llm.token',
    laneId,
    turnId,
    text,
    tokens,
    totalTokens,
    firstAtMs: atMs,
    lastAtMs: atMs + 1,
  };
}

class FakeSocket implements QueueSocket {
  bufferedAmount = 0;
  open = true;
  readonly written: (EngineEvent | 'audio')[] = [];
  closedWith: { code: number; reason: string } | null = null;
  isOpen(): boolean {
    return this.open;
  }
  write(data: string | ArrayBuffer): void {
    this.written.push(typeof data === 'string' ? (JSON.parse(data) as EngineEvent) : 'audio');
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.open = false;
  }
}

const newStats = (): SendQueueStats => ({
  slowClientsClosed: 0,
  coalescedTokenBatches: 0,
  skippedAudioFrames: 0,
});
const LIMITS: SendQueueLimits = { softBytes: 1000, hardBytes: 10_000, maxBehindMs: 60_000, drainCheckMs: 2 };

describe('client send queue', () => {
  it('holds events while the socket is behind, merges a turn’s token batches, never moves tokens past their turn’s end', async () => {
    const socket = new FakeSocket();
    const stats = newStats();
    const queue = new ClientSendQueue(socket, stats, LIMITS);
    const sent: EngineEvent[] = [
      { type: 'turn.started', laneId: 'a', turnId: 't1', userText: 'hi', requestAtMs: 0 },
      batch('a', 't1', 'One ', 4, 10),
    ];
    const held: EngineEvent[] = [
      batch('a', 't1', 'two ', 8, 20),
      batch('a', 't1', 'three ', 14, 30),
      { type: 'tts.text', laneId: 'a', turnId: 't1', index: 0, text: 'One two three' },
      batch('b', 'u1', 'other lane', 10, 35),
      { type: 'lane.cleared', laneId: 'b', staleTurnIds: [] },
      batch('a', 't1', 'four.', 19, 40),
      {
        type: 'llm.done',
        laneId: 'a',
        turnId: 't1',
        text: 'One two three four.',
        metrics: {} as Extract<EngineEvent, { type: 'llm.done' }>['metrics'],
      },
      batch('a', 't1', 'late', 23, 50),
    ];
    for (const e of sent) queue.send(e);
    socket.bufferedAmount = LIMITS.softBytes;
    const copies = structuredClone(held);
    for (const e of held) queue.send(e);
    expect(socket.written).toHaveLength(2);
    expect(held).toEqual(copies); // the engine's event objects go to every client: never changed

    socket.bufferedAmount = 0;
    await vi.waitFor(() => expect(queue.heldCount).toBe(0));
    const types = socket.written.map((e) =>
      e === 'audio' ? e : `${e.type}:${'laneId' in e ? e.laneId : ''}`,
    );
    expect(types).toEqual([
      'turn.started:a',
      'llm.token:a',
      'llm.token:a', // two + three + four, merged across the other lane's events and tts.text
      'tts.text:a',
      'llm.token:b',
      'lane.cleared:b',
      'llm.done:a',
      'llm.token:a', // after llm.done it may not merge back past it
    ]);
    expect(socket.written[2]).toEqual({
      type: 'llm.token',
      laneId: 'a',
      turnId: 't1',
      text: 'two three four.',
      tokens: 4 + 6 + 5,
      totalTokens: 19,
      firstAtMs: 20,
      lastAtMs: 41,
    });
    expect(stats.coalescedTokenBatches).toBe(2);

    // The page shows the same text, counts and times from the merged batch as from the three.
    const live = (events: (EngineEvent | 'audio')[]): LiveTurns => {
      const turns = new LiveTurns(
        () => 0,
        () => {},
      );
      for (const e of events) if (e !== 'audio' && e.type !== 'llm.done') turns.apply(e);
      return turns;
    };
    const merged = live(socket.written).current('a')!;
    const unmerged = live([...sent, ...held]).current('a')!;
    expect(merged.answer.text()).toBe(unmerged.answer.text());
    expect([merged.answerTokens, merged.firstTokenAtMs, merged.lastTokenAtMs]).toEqual([
      unmerged.answerTokens,
      unmerged.firstTokenAtMs,
      unmerged.lastTokenAtMs,
    ]);
    queue.dispose();
  });

  it('skips speech audio while behind, then writes directly again once caught up', async () => {
    const socket = new FakeSocket();
    const stats = newStats();
    const queue = new ClientSendQueue(socket, stats, LIMITS);
    const frame = new ArrayBuffer(64);
    queue.sendBinary(frame);
    socket.bufferedAmount = LIMITS.softBytes + 1;
    queue.sendBinary(frame);
    queue.sendBinary(frame);
    expect(stats.skippedAudioFrames).toBe(2);
    socket.bufferedAmount = 0;
    await vi.waitFor(() => expect(stats.skippedAudioFrames).toBe(2));
    await new Promise((r) => setTimeout(r, 20));
    queue.sendBinary(frame);
    expect(socket.written).toEqual(['audio', 'audio']);
    queue.dispose();
  });

  it('closes a client over the held-bytes bound with the slow-client code, and then sends nothing', () => {
    const socket = new FakeSocket();
    const stats = newStats();
    const queue = new ClientSendQueue(socket, stats, LIMITS);
    socket.bufferedAmount = LIMITS.softBytes;
    for (let i = 0; socket.closedWith === null && i < 1000; i++) {
      queue.send({ type: 'stt.partial', laneId: 'a', text: 'x'.repeat(500) });
    }
    expect(socket.closedWith).toEqual({ code: SLOW_CLIENT_CLOSE, reason: SLOW_CLIENT_REASON });
    expect(stats.slowClientsClosed).toBe(1);
    expect(queue.heldCount).toBe(0);
    socket.open = true;
    socket.bufferedAmount = 0;
    queue.send({ type: 'stt.partial', laneId: 'a', text: 'after' });
    expect(socket.written).toEqual([]);
  });

  it('closes a client that stays behind longer than maxBehindMs, even with little held', async () => {
    const socket = new FakeSocket();
    const stats = newStats();
    let nowMs = 0;
    const queue = new ClientSendQueue(socket, stats, { ...LIMITS, maxBehindMs: 5_000 }, () => nowMs);
    socket.bufferedAmount = LIMITS.softBytes;
    queue.send({ type: 'stt.partial', laneId: 'a', text: 'hi' });
    nowMs = 4_000;
    await new Promise((r) => setTimeout(r, 20));
    expect(socket.closedWith).toBeNull();
    nowMs = 5_001;
    await vi.waitFor(() => expect(socket.closedWith?.code).toBe(SLOW_CLIENT_CLOSE));
  });

  it('refuses limits that could never work', () => {
    expect(() => resolveSendLimits({ softBytes: 0 })).toThrow('softBytes must be a positive number');
    expect(() => resolveSendLimits({ softBytes: 2_000, hardBytes: 1_000 })).toThrow(
      'must not exceed hardBytes',
    );
  });
});

// ---- a real engine, real sockets: readers that stall while another client streams ---------------

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;
/** Engine memory that can hold socket data: the JS heap and the buffers outside it. */
function engineBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Small bounds so the test reaches them after a few MB; the kernel itself takes ~4 MB per socket. */
const TEST_LIMITS: Partial<SendQueueLimits> = { softBytes: 128 * 1024, hardBytes: 1 * MiB };
const STALLED = 3;
const LANES = 3;
/** Bytes the streaming client must receive; without the queue each stalled reader keeps most of it. */
const STREAM_BYTES = 8 * MiB;
const STREAM_DEADLINE_MS = 50_000;

let engine: RunningEngine;
beforeAll(async () => {
  engine = await startEngine({ env: {}, sendLimits: TEST_LIMITS });
});
afterAll(async () => {
  await engine.close();
});

/** A raw `ws` client that reads the hello, then stops reading (its TCP socket paused). */
async function stalledReader(url: string): Promise<{ ws: WebSocket; closed: Promise<[number, string]> }> {
  const ws = new WebSocket(url);
  const closed = new Promise<[number, string]>((resolve) =>
    ws.on('close', (code, reason) => resolve([code, reason.toString()])),
  );
  ws.on('error', () => {});
  await new Promise((resolve) => ws.once('message', resolve));
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  return { ws, closed };
}

describe('engine socket: a client that stops reading', () => {
  it('is closed with the slow-client code while engine memory stays bounded, and the streaming client gets every token', async () => {
    const url = `${engine.wsUrl}?token=${engine.token}`;
    const stalled = await Promise.all(Array.from({ length: STALLED }, () => stalledReader(url)));

    // The page's own client, also stalled: it must reconnect by itself and say why.
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    const pageSockets: WebSocket[] = [];
    const infos: ConnectionInfo[] = [];
    const pageHellos: EngineEvent[] = [];
    const page = new EngineClient(
      {
        onEvent: (e) => {
          if (e.type === 'hello') pageHellos.push(e);
        },
        onConnection: (info) => infos.push(info),
        onClock: () => {},
        onInvalid: (_n, reason) => {
          throw new Error(`the page dropped an event: ${reason}`);
        },
      },
      {
        connection: () => Promise.resolve({ wsUrl: engine.wsUrl, token: engine.token }),
        createSocket: (socketUrl) => {
          const ws = new WebSocket(socketUrl);
          pageSockets.push(ws);
          return ws as unknown as globalThis.WebSocket;
        },
      },
    );
    page.start();
    await vi.waitFor(() => expect(pageHellos).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 200)); // let the clock-sync burst finish
    (pageSockets[0] as unknown as { _socket: { pause(): void } })._socket.pause();

    // The streaming client: reads everything, keeps only per-turn tallies.
    const driver = new WebSocket(url);
    await new Promise((resolve) => driver.once('message', resolve));
    let receivedBytes = 0;
    const streamed = new Map<string, { chars: number; tokens: number }>();
    const finished: { turnId: string; chars: number; tokens: number }[] = [];
    const errors: EngineEvent[] = [];
    const turnEnds = new Map<string, () => void>();
    driver.on('message', (data: Buffer, isBinary) => {
      receivedBytes += data.length;
      if (isBinary) return;
      const e = EngineEvent.parse(JSON.parse(data.toString()));
      if (e.type === 'llm.token') {
        const t = streamed.get(e.turnId) ?? { chars: 0, tokens: 0 };
        t.chars += e.text.length;
        t.tokens += e.tokens;
        streamed.set(e.turnId, t);
      } else if (e.type === 'llm.done') {
        finished.push({ turnId: e.turnId, chars: e.text.length, tokens: e.metrics.tokens });
        turnEnds.get(e.laneId)?.();
      } else if (e.type === 'error') {
        errors.push(e);
        if (e.laneId) turnEnds.get(e.laneId)?.();
      }
    });
    for (let i = 0; i < LANES; i++) {
      driver.send(
        JSON.stringify({ type: 'lane.create', laneId: `s${i}`, spec: 'sim:tps=20000,ttft=0,tokens=20000' }),
      );
    }
    const turn = async (laneId: string): Promise<void> => {
      await new Promise<void>((resolve) => {
        turnEnds.set(laneId, resolve);
        driver.send(JSON.stringify({ type: 'chat.send', laneId, text: 'Tell me about tea.' }));
      });
      driver.send(JSON.stringify({ type: 'lane.reset', laneId }));
    };
    // One turn per lane first, so the baseline has the engine's code and pools warmed up.
    await Promise.all(Array.from({ length: LANES }, (_, i) => turn(`s${i}`)));
    const baseline = engineBytes();

    const deadline = performance.now() + STREAM_DEADLINE_MS;
    const enough = (): boolean =>
      receivedBytes >= STREAM_BYTES && engine.stats.slowClientsClosed >= STALLED + 1;
    let peakGrowth = 0;
    const sampler = setInterval(() => {
      peakGrowth = Math.max(peakGrowth, engineBytes() - baseline);
    }, 2_000);
    await Promise.all(
      Array.from({ length: LANES }, async (_, i) => {
        while (!enough() && performance.now() < deadline) await turn(`s${i}`);
      }),
    );
    clearInterval(sampler);
    const growth = engineBytes() - baseline;
    peakGrowth = Math.max(peakGrowth, growth);
    const summary = `${STALLED + 1} stalled readers: streamed ${(receivedBytes / MiB).toFixed(1)} MiB in ${finished.length} turns; engine memory grew ${(growth / MiB).toFixed(1)} MiB (peak ${(peakGrowth / MiB).toFixed(1)} MiB)`;

    console.log(summary);
    // Every stalled reader was closed by the engine…
    expect(engine.stats.slowClientsClosed, summary).toBe(STALLED + 1);
    expect(receivedBytes, summary).toBeGreaterThanOrEqual(STREAM_BYTES);
    // …and what they did not read is not kept: without the queue each kept ~all of the stream
    // past the ~4 MB the kernel takes (over 15 MiB in all). While they were behind, each held at
    // most ~1 MiB of events and 128 KiB in its socket; the rest of the peak is turns in flight.
    expect(growth, summary).toBeLessThan(6 * MiB);
    expect(peakGrowth, summary).toBeLessThan(16 * MiB);

    // The streaming client missed nothing: every turn's tokens add up to its final text.
    expect(errors).toEqual([]);
    expect(finished.length).toBeGreaterThan(0);
    for (const turn of finished) {
      expect(turn.chars).toBeGreaterThan(10_000);
      expect(streamed.get(turn.turnId)).toEqual({ chars: turn.chars, tokens: turn.tokens });
    }

    // A stalled reader that wakes up reads what was on the wire, then the close code and reason.
    for (const s of stalled) (s.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    for (const s of stalled) expect(await s.closed).toEqual([SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON]);

    // The page wakes up too: it reconnects, resyncs from a fresh hello and says why in words.
    (pageSockets[0] as unknown as { _socket: { resume(): void } })._socket.resume();
    await vi.waitFor(() => expect(pageHellos).toHaveLength(2), { timeout: 15_000 });
    const words = describeClose(SLOW_CLIENT_CLOSE, SLOW_CLIENT_REASON);
    expect(words).toContain('fell too far behind');
    expect(infos).toContainEqual(expect.objectContaining({ status: 'reconnecting', reason: words }));
    await vi.waitFor(() => expect(infos.at(-1)).toMatchObject({ status: 'open', lastDrop: words }));
    expect(page.isOpen).toBe(true);
    page.stop();
    driver.close();
  }, 90_000);
});

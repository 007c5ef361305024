/**
 * Regression: a long conversation broke its lane. Every `lane.state` carried the whole history (what
 * a turn cost a client grew with the conversation: 0.14 → 3 MB per turn) and every request sent all
 * of it, until the simulated server answered 413 to each one (~5,600 turns) and the lane stayed broken.
 *
 * Thousands of accelerated turns through the real engine, its socket and the real simulated server
 * over HTTP (behind a proxy that measures every request body): the bytes a client receives per turn
 * stay flat, no request comes near the server's body limit, the window trims (and says so), the lane
 * still answers at the end, and a client that connects then gets a bounded `hello`.
 */
import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { MAX_BODY_BYTES, startSimServer, type SimServer } from '../../src/main/engine/sim/server';
import { EngineEvent } from '../../src/shared/protocol';

/** `DIALTONE_SOAK_TURNS=6000` for the BENCHMARKS.md soak; CI runs the default. */
const TURNS = Number(process.env.DIALTONE_SOAK_TURNS ?? 3_000);
/** Flatness is checked this often, so a regression fails in seconds instead of crawling to the end. */
const CHECK_EVERY = 250;
/** Per-turn bytes may vary a little (reply wording), never grow with the conversation. */
const FLAT_FACTOR = 1.5;
/** ~300 characters per user line: 3,000 unwindowed turns are ~1.1 MB of history, past the sim's limit. */
const FILLER =
  'I keep a small garden behind the house, with tomatoes, beans, three kinds of basil and a row of ' +
  'sunflowers that the birds get to before I do. This year the summer was dry and the rain barrel ran ' +
  'empty in July, so I started watering in the early morning. What would you plant next spring?';

let sim: SimServer;
let proxy: Server;
let proxyUrl: string;
let engine: RunningEngine;
const bodies = { count: 0, maxBytes: 0, statuses: new Map<number, number>() };

beforeAll(async () => {
  sim = await startSimServer();
  ({ server: proxy, url: proxyUrl } = await startMeasuringProxy(sim.url));
  engine = await startEngine({ env: {} });
});
afterAll(async () => {
  await engine?.close();
  await new Promise<void>((done) => {
    proxy?.closeAllConnections();
    proxy?.close(() => done());
  });
  await sim?.close();
});

describe(`a ${TURNS.toLocaleString('en-US')}-turn conversation on one lane`, () => {
  it('costs a client the same bytes per turn at the end as at the start, and never breaks the lane', async () => {
    const client = await RawClient.open(`${engine.wsUrl}?token=${engine.token}`);
    client.send({
      type: 'lane.create',
      laneId: 'soak',
      spec: `sim:tps=100000,ttft=0,tokens=8,url=${proxyUrl}`,
    });
    await client.until((e) => e.type === 'lane.state' && e.lane.laneId === 'soak');

    const perTurnBytes: number[] = [];
    const endedMs: number[] = [];
    let trimmedTurns = 0;
    let lastText = '';
    const startedMs = performance.now();
    for (let i = 1; i <= TURNS; i++) {
      client.bytes = 0;
      client.send({ type: 'chat.send', laneId: 'soak', text: `${i}. ${FILLER}` });
      let turnId: string | null = null;
      await client.until((e) => {
        if (e.type === 'error') throw new Error(`turn ${i}: ${e.stage} error ${e.code}: ${e.message}`);
        if (e.type === 'llm.done') lastText = e.text;
        if (e.type === 'turn.metrics' && e.laneId === 'soak') {
          turnId = e.turnId;
          if ((e.timeline.context?.droppedEntries ?? 0) > 0) trimmedTurns++;
        }
        return turnId !== null && e.type === 'lane.state' && e.lane.state === 'idle';
      });
      perTurnBytes.push(client.bytes);
      endedMs.push(performance.now());
      if (i % CHECK_EVERY === 0 || i === TURNS) {
        expect(bodies.maxBytes, `largest request body by turn ${i}`).toBeLessThan(MAX_BODY_BYTES / 4);
        const start = median(perTurnBytes.slice(10, 60));
        const now = median(perTurnBytes.slice(-50));
        expect(now / start, `bytes per turn at turn ${i} (${now}) vs turns 10–60 (${start})`).toBeLessThan(
          FLAT_FACTOR,
        );
      }
    }
    const seconds = (performance.now() - startedMs) / 1000;

    expect(bodies.count).toBeGreaterThanOrEqual(TURNS);
    expect(bodies.statuses.get(413) ?? 0).toBe(0);
    expect([...bodies.statuses.keys()]).toEqual([200]);
    // The window did its job: later turns left the oldest entries out, and said so.
    expect(trimmedTurns).toBeGreaterThan(TURNS / 2);
    expect(lastText.length).toBeGreaterThan(0);

    // A client that (re)connects now gets a bounded snapshot, not 6,000 entries.
    const late = await RawClient.open(`${engine.wsUrl}?token=${engine.token}`);
    const hello = late.hello ?? (await late.until((e) => e.type === 'hello'));
    if (hello.type !== 'hello') throw new Error('unreachable');
    const lane = hello.lanes.find((l) => l.laneId === 'soak')!;
    expect(lane.history.length).toBeLessThan(TURNS);
    expect(lane.history.at(-1)?.text).toBe(lastText);
    expect(lane.omittedEntries).toBe(2 * TURNS - lane.history.length);
    expect(late.bytes).toBeLessThan(512 * 1024);
    late.close();
    client.close();

    const marks = [10, 1_000, 3_000, 5_000, TURNS].filter((n, i, all) => n <= TURNS && all.indexOf(n) === i);
    const rate = (from: number, to: number): string =>
      (((to - from) * 1000) / (endedMs[to - 1]! - endedMs[from - 1]!)).toFixed(0);
    console.log(
      `soak: ${TURNS} turns in ${seconds.toFixed(1)} s (${(TURNS / seconds).toFixed(0)} turns/s; first 500 ` +
        `${rate(1, 501)}/s, last 500 ${rate(TURNS - 500, TURNS)}/s); bytes to ` +
        `the client per turn: ${marks.map((n) => `turn ${n} ${perTurnBytes[n - 1]}`).join(', ')}; largest ` +
        `request body ${bodies.maxBytes} bytes (limit ${MAX_BODY_BYTES}); hello ${late.bytes} bytes`,
    );
  }, 120_000);
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** An HTTP proxy in front of the simulated server that records each request body's size and each status. */
async function startMeasuringProxy(target: string): Promise<{ server: Server; url: string }> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.count++;
      bodies.maxBytes = Math.max(bodies.maxBytes, body.length);
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
          agent,
        },
        (up) => {
          bodies.statuses.set(up.statusCode ?? 0, (bodies.statuses.get(up.statusCode ?? 0) ?? 0) + 1);
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  server.on('close', () => agent.destroy());
  return { server, url: `http://127.0.0.1:${port}/v1` };
}

/**
 * A bare socket client: counts the bytes of every text message and keeps no event log (a few
 * thousand turns would make TestClient's log, and its linear search, the slowest part of the test).
 */
class RawClient {
  bytes = 0;
  /** The `hello` this socket got (it can arrive before anyone waits for it). */
  hello: EngineEvent | null = null;
  private waiter: {
    match: (e: EngineEvent) => boolean;
    resolve: (e: EngineEvent) => void;
    reject: (err: unknown) => void;
  } | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      this.bytes += data.length;
      const waiter = this.waiter;
      if (!waiter && this.hello) return;
      const event = EngineEvent.parse(JSON.parse(data.toString()));
      if (event.type === 'hello') this.hello = event;
      if (!waiter) return;
      try {
        if (!waiter.match(event)) return;
        this.waiter = null;
        waiter.resolve(event);
      } catch (err) {
        this.waiter = null;
        waiter.reject(err);
      }
    });
  }

  static open(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** The next event for which `match` is true (a throw in `match` fails the wait), within 10 s. */
  until(match: (e: EngineEvent) => boolean): Promise<EngineEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for an engine event')), 10_000);
      this.waiter = {
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
  }

  close(): void {
    this.ws.close();
  }
}

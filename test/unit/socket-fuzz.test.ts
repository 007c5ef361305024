/**
 * Property-based fuzz of the engine socket. The bugs this keeps found: a message shape the
 * validation misses that throws inside the engine (killing every client's connection), a bad
 * message answered with several errors (a flood toward a misbehaving sender) or none, a bad frame
 * that closes the connection, and damage that leaves another client's turn broken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { ClientMessage, EngineEvent, MAX_CLIENT_MESSAGE_BYTES } from '../../src/shared/protocol';
import { AUDIO_IN, TTS_AUDIO, decodeAudioFrame, encodeAudioFrame } from '../../src/shared/audio-frames';

/** The engine's cap on one WebSocket frame (server.ts): past it, ws closes with 1009 by design. */
const MAX_FRAME_BYTES = 1024 * 1024;
const CLOSE_MESSAGE_TOO_BIG = 1009;
/** Each run draws a fresh seed (fast-check prints it on failure); FUZZ_SEED=… replays one. */
const replay = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {};

let engine: RunningEngine;
beforeAll(async () => {
  engine = await startEngine({ env: {} });
});
afterAll(async () => {
  await engine.close();
});

/** A raw socket client that records events and can wait for the answer to a ping. */
class FuzzClient {
  readonly events: EngineEvent[] = [];
  closed: { code: number } | null = null;
  private pingId = 0;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) this.events.push(EngineEvent.parse(JSON.parse(data.toString())));
    });
    ws.on('close', (code) => (this.closed = { code }));
    ws.on('error', () => {});
  }

  static async open(): Promise<FuzzClient> {
    const client = new FuzzClient(new WebSocket(`${engine.wsUrl}?token=${engine.token}`));
    await new Promise((resolve, reject) => {
      client.ws.once('open', resolve);
      client.ws.once('error', reject);
    });
    return client;
  }

  /** Sends `data` and then a ping; the events that came back before the pong (null if closed). */
  async exchange(data: string | Uint8Array): Promise<EngineEvent[] | null> {
    const from = this.events.length;
    this.ws.send(data, { binary: typeof data !== 'string' });
    const id = ++this.pingId;
    this.ws.send(JSON.stringify({ type: 'ping', id, clientAtMs: 0 }));
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      const pong = this.events.findIndex((e, i) => i >= from && e.type === 'pong' && e.id === id);
      if (pong >= 0) return this.events.slice(from, pong);
      if (this.closed) return null;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`no pong ${id} within 10 s: the engine stopped answering`);
  }

  close(): void {
    this.ws.close();
  }
}

// ---- generators --------------------------------------------------------------------------------

/** Well-formed messages of every kind, aimed at lanes that exist (f1) or not (f9). */
const validMessage: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('ping'), id: fc.integer(), clientAtMs: fc.double({ noNaN: true }) }),
  fc.record({
    type: fc.constant('lane.create'),
    laneId: fc.constantFrom('f1', 'f2', 'f9'),
    spec: fc.constantFrom('sim:tps=5000,ttft=0,max=20', 'warp:speed=9', 'sim:tps=fast'),
  }),
  fc.record({ type: fc.constant('lane.configure'), laneId: fc.constant('f1'), spec: fc.constant('fast') }),
  fc.record({ type: fc.constantFrom('lane.reset', 'turn.cancel', 'lane.remove'), laneId: fc.constant('f9') }),
  fc.record({
    type: fc.constant('chat.send'),
    laneId: fc.constantFrom('f1', 'f9'),
    text: fc.string({ minLength: 1 }),
  }),
  fc.record({
    type: fc.constant('mic.ptt'),
    laneId: fc.constant('f9'),
    down: fc.boolean(),
    atMs: fc.double(),
  }),
  fc.record({ type: fc.constant('mic.mode'), laneId: fc.constant('f9'), mode: fc.constant('off') }),
  fc.record({
    type: fc.constant('playback.ended'),
    laneId: fc.constant('f1'),
    turnId: fc.string(),
    playedMs: fc.nat(),
    endedAtMs: fc.double(),
    interrupted: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('scenario.start'),
    scenario: fc.constant('no-such-scenario'),
    lanes: fc.constant([{ spec: 'sim' }]),
  }),
  fc.record({ type: fc.constantFrom('scenario.stop', 'scenario.list') }),
);

const TYPES = ClientMessage.options.map((o) => o.shape.type.value);

/** One change to a valid message: a field dropped, retyped or added, the type swapped, the text cut. */
const mutatedMessage: fc.Arbitrary<string> = fc
  .tuple(validMessage, fc.nat(), fc.jsonValue(), fc.constantFrom(...TYPES), fc.string(), fc.nat(5))
  .map(([msg, pick, value, otherType, extraKey, how]) => {
    const keys = Object.keys(msg);
    const key = keys[pick % keys.length]!;
    const copy: Record<string, unknown> = { ...msg };
    switch (how) {
      case 0:
        delete copy[key];
        return JSON.stringify(copy);
      case 1:
        copy[key] = value;
        return JSON.stringify(copy);
      case 2:
        copy.type = otherType;
        return JSON.stringify(copy);
      case 3:
        copy[extraKey] = value;
        return JSON.stringify(copy);
      case 4: {
        const text = JSON.stringify(copy);
        return text.slice(0, pick % (text.length + 1));
      }
      default:
        return JSON.stringify([copy]);
    }
  });

/** Text frames: arbitrary JSON values, arbitrary text, mutated messages, oversized ones. */
const textFrame: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: mutatedMessage, weight: 6 },
  {
    arbitrary: fc
      .integer({ min: MAX_CLIENT_MESSAGE_BYTES - 64, max: MAX_FRAME_BYTES - 64 })
      .map((n) => JSON.stringify({ type: 'chat.send', laneId: 'f1', text: 'x'.repeat(n) })),
    weight: 1,
  },
);

const validAudioIn = fc
  .record({
    laneId: fc.constantFrom('f1', 'f9', 'a'.repeat(32)),
    seq: fc.nat(),
    samples: fc.integer({ min: 0, max: 480 }),
    sampleRate: fc.constantFrom(16_000, 48_000),
  })
  .map(
    ({ laneId, seq, samples, sampleRate }) =>
      new Uint8Array(
        encodeAudioFrame({
          kind: AUDIO_IN,
          laneId,
          seq,
          turn: 0,
          atMs: 1,
          sampleRate,
          samples: new Int16Array(samples),
        }),
      ),
  );

/** Binary frames: random bytes, and valid microphone frames with bytes changed, cut or added. */
const binaryFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 2_048 }),
  fc
    .tuple(
      validAudioIn,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(3),
    )
    .map(([frame, flips, how]) => {
      const bytes = new Uint8Array(frame);
      for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
      if (how === 1) return bytes.subarray(0, flips.length ? flips[0]![0] % (bytes.length + 1) : 1);
      if (how === 2) return Uint8Array.from([...bytes, 7]);
      if (how === 3) bytes[0] = TTS_AUDIO; // the engine's own kind, never accepted from a client
      return bytes;
    }),
);

/** Whether the engine should refuse `text` at its door (one protocol error). */
function refusedAtTheDoor(text: string): boolean {
  if (Buffer.byteLength(text) > MAX_CLIENT_MESSAGE_BYTES) return true;
  try {
    return !ClientMessage.safeParse(JSON.parse(text)).success;
  } catch {
    return true;
  }
}

function isMicrophoneFrame(bytes: Uint8Array): boolean {
  try {
    return decodeAudioFrame(bytes).kind === AUDIO_IN;
  } catch {
    return false;
  }
}

const doorErrors = (events: EngineEvent[]): EngineEvent[] =>
  events.filter((e) => e.type === 'error' && (e.stage === 'protocol' || e.stage === 'audio'));

/** A second client runs a turn on `fast` and gets every token of it. */
async function secondClientTurn(laneId: string): Promise<void> {
  const good = await FuzzClient.open();
  // The fuzz may have created lanes up to the engine's limit: make room.
  for (const id of engine.engine.laneIds()) good.ws.send(JSON.stringify({ type: 'lane.remove', laneId: id }));
  good.ws.send(JSON.stringify({ type: 'lane.create', laneId, spec: 'fast' }));
  good.ws.send(JSON.stringify({ type: 'chat.send', laneId, text: 'Tell me about tea.' }));
  const deadline = performance.now() + 20_000;
  let done: Extract<EngineEvent, { type: 'llm.done' }> | undefined;
  while (!done && performance.now() < deadline) {
    done = good.events.find(
      (e): e is Extract<EngineEvent, { type: 'llm.done' }> => e.type === 'llm.done' && e.laneId === laneId,
    );
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(done, `the turn on ${laneId} never finished`).toBeDefined();
  const streamed = good.events
    .filter((e) => e.type === 'llm.token' && e.laneId === laneId && e.turnId === done!.turnId)
    .map((e) => (e as Extract<EngineEvent, { type: 'llm.token' }>).text)
    .join('');
  expect(done!.text.length).toBeGreaterThan(0);
  expect(streamed).toBe(done!.text);
  good.ws.send(JSON.stringify({ type: 'lane.remove', laneId }));
  good.close();
}

// ---- properties --------------------------------------------------------------------------------

describe('engine socket fuzz', () => {
  it('text frames: every refused message gets exactly one error, the connection lives, another client’s turn works', async () => {
    const bad = await FuzzClient.open();
    await fc.assert(
      fc.asyncProperty(textFrame, async (text) => {
        const before = bad.events.length;
        const events = await bad.exchange(text);
        expect(events, 'the engine closed the connection').not.toBeNull();
        const errors = doorErrors(events!);
        if (refusedAtTheDoor(text)) expect(errors).toHaveLength(1);
        else expect(errors).toHaveLength(0);
        // Whatever the message did, it drew at most one error of any kind.
        expect(events!.filter((e) => e.type === 'error').length).toBeLessThanOrEqual(1);
        bad.events.length = before; // keep memory flat over the runs
      }),
      { numRuns: 1_500, ...replay },
    );
    expect(bad.closed).toBeNull();
    bad.close();
    await secondClientTurn('after-text');
  }, 120_000);

  it('binary frames: random and damaged audio is refused (errors at most one a second), the connection lives', async () => {
    const bad = await FuzzClient.open();
    const droppedBefore = engine.stats.droppedAudioFrames;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(binaryFrame, async (bytes) => {
        const dropped = engine.stats.droppedAudioFrames;
        const events = await bad.exchange(bytes);
        expect(events, 'the engine closed the connection').not.toBeNull();
        const errors = doorErrors(events!);
        expect(errors.length).toBeLessThanOrEqual(1);
        refused += errors.length;
        // Every frame that is not a whole microphone frame is dropped and counted, once.
        expect(engine.stats.droppedAudioFrames - dropped).toBe(isMicrophoneFrame(bytes) ? 0 : 1);
        bad.events.length = 0;
      }),
      { numRuns: 1_000, ...replay },
    );
    expect(bad.closed).toBeNull();
    expect(engine.stats.droppedAudioFrames - droppedBefore).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    bad.close();
    await secondClientTurn('after-binary');
  }, 120_000);

  it('a frame over the 1 MiB cap closes only that connection (1009); the engine and others carry on', async () => {
    const bad = await FuzzClient.open();
    const other = await FuzzClient.open();
    bad.ws.send(JSON.stringify({ type: 'chat.send', laneId: 'f1', text: 'x'.repeat(MAX_FRAME_BYTES) }));
    const deadline = performance.now() + 10_000;
    while (!bad.closed && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(bad.closed?.code).toBe(CLOSE_MESSAGE_TOO_BIG);
    expect(await other.exchange(JSON.stringify({ type: 'scenario.list' }))).not.toBeNull();
    other.close();
    await secondClientTurn('after-cap');
  });
});

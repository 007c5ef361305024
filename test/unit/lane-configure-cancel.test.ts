/**
 * Regression: `lane.configure` did not cancel the turn in flight. A stalled lane switched to `fast`
 * kept "thinking" for the whole stall timeout (20 s), then showed the old backend's stall error.
 * Switching the backend, the voice or the speech input now cancels the running turn at once, like
 * `turn.cancel`, and a cancelled turn's late errors never reach the lane or the clients.
 *
 * Over a real engine socket and the real simulated backend over HTTP, with a 1 s stall timeout (the
 * provider's own setting) so the stall the old code waited for comes well inside the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/main/engine/clock';
import { Engine } from '../../src/main/engine/engine';
import { createLlmProvider } from '../../src/main/engine/providers/llm';
import { listenEngineServer, newServerStats } from '../../src/main/engine/server';
import { startSimServer, type SimServer } from '../../src/main/engine/sim/server';
import { TestClient } from '../helpers/engine-client';
import { scriptedSpeech } from '../helpers/scripted-speech';

const STALL_MS = 1_000;
/** Two tokens, then the connection stays open and silent. */
const STALLING = 'sim:tps=50,ttft=0,fault=stall@2';

let sim: SimServer;
let server: { port: number; close(): Promise<void> };
let engine: Engine;
let client: TestClient;

beforeAll(async () => {
  sim = await startSimServer();
  engine = new Engine({
    clock: systemClock,
    env: {},
    createProvider: (spec) =>
      createLlmProvider(spec, { clock: systemClock, simBaseUrl: sim.url, env: {}, stallTimeoutMs: STALL_MS }),
    speech: scriptedSpeech({ sttDelayMs: 10, ttsDelayMs: 10, transcript: 'Hello.' }).factories,
  });
  const token = 'lane-configure-cancel';
  server = await listenEngineServer({
    engine,
    token,
    port: 0,
    extraOrigins: [],
    stats: newServerStats(),
  });
  client = await TestClient.connect({ wsUrl: `ws://127.0.0.1:${server.port}/engine`, token });
});
afterAll(async () => {
  client?.close();
  await engine?.close();
  await server?.close();
  await sim?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts a turn on a stalling lane and waits until the stall has begun (its two tokens arrived). */
async function stalledTurn(laneId: string): Promise<string> {
  const seen = new Set(client.of('turn.started').map((e) => e.turnId));
  client.send({ type: 'chat.send', laneId, text: 'Tell me about lighthouses.' });
  const started = await client.waitFor('turn.started', (e) => e.laneId === laneId && !seen.has(e.turnId));
  await client.waitFor('llm.token', (e) => e.turnId === started.turnId && e.totalTokens >= 2);
  return started.turnId;
}

const errorsOn = (laneId: string) => client.of('error').filter((e) => e.laneId === laneId);

describe('switching a lane cancels its turn in flight', () => {
  it('a stalled lane switched to fast leaves "thinking" at once, never shows the stall, and answers on fast', async () => {
    // The control: the same stall, left alone, does fail after the stall timeout.
    client.send({ type: 'lane.create', laneId: 'control', spec: STALLING });
    client.send({ type: 'lane.create', laneId: 'x', spec: STALLING });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'x');
    const [, turnId] = await Promise.all([stalledTurn('control'), stalledTurn('x')]);

    const switchedMs = performance.now();
    client.send({ type: 'lane.configure', laneId: 'x', spec: 'fast' });
    const interrupt = await client.waitFor('interrupt', (e) => e.laneId === 'x', 1_000);
    expect(interrupt.turnId).toBe(turnId);
    const idle = await client.waitFor(
      'lane.state',
      (e) => e.lane.laneId === 'x' && e.lane.state === 'idle' && e.lane.spec === 'sim:tps=2000,ttft=150',
      1_000,
    );
    expect(idle.lane.state).toBe('idle');
    expect(performance.now() - switchedMs).toBeLessThan(500);
    // The cancelled turn ends quietly: its timeline says interrupted, its history keeps what arrived.
    const metrics = await client.waitFor('turn.metrics', (e) => e.turnId === turnId);
    expect(metrics.timeline.interrupted).toBe(true);
    const appended = await client.waitFor('history.append', (e) => e.turnId === turnId);
    expect(appended.entries.at(-1)).toMatchObject({ role: 'assistant', interrupted: true });

    // Past the stall timeout: the control lane got its stall error; the switched lane got none.
    const stall = await client.waitFor('error', (e) => e.laneId === 'control', STALL_MS + 3_000);
    expect(stall).toMatchObject({ stage: 'llm', code: 'stalled' });
    await sleep(500);
    expect(errorsOn('x')).toEqual([]);

    // The next turn runs on the new backend and completes.
    client.send({ type: 'chat.send', laneId: 'x', text: 'And now?' });
    const done = await client.waitFor('llm.done', (e) => e.laneId === 'x');
    expect(done.text.length).toBeGreaterThan(0);
    expect(done.metrics.tokensPerSecond).toBeGreaterThan(500);
    expect(errorsOn('x')).toEqual([]);
    expect(client.history('x').map((h) => `${h.role}${h.interrupted ? '!' : ''}`)).toEqual([
      'user',
      'assistant!',
      'user',
      'assistant',
    ]);
  });

  it('switching the voice or the speech input cancels the turn too; the same backend again does not', async () => {
    client.send({ type: 'lane.create', laneId: 'v', spec: STALLING });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'v');

    // Re-picking the backend the lane already has changes nothing: the turn goes on.
    const first = await stalledTurn('v');
    client.send({ type: 'lane.configure', laneId: 'v', spec: STALLING });
    await sleep(200);
    expect(client.of('interrupt').filter((e) => e.turnId === first)).toEqual([]);

    client.send({ type: 'lane.speech', laneId: 'v', tts: 'espeak:voice=en-gb' });
    await client.waitFor('interrupt', (e) => e.turnId === first, 1_000);
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'v' && e.lane.state === 'idle', 1_000);

    const second = await stalledTurn('v');
    client.send({ type: 'lane.speech', laneId: 'v', stt: 'local' });
    await client.waitFor('interrupt', (e) => e.turnId === second, 1_000);
    await client.waitFor(
      'lane.state',
      (e) => e.lane.laneId === 'v' && e.lane.state === 'idle' && e.lane.speech.stt !== 'typed',
      1_000,
    );

    // Neither cancelled turn's stall ever surfaces.
    await sleep(STALL_MS + 1_000);
    expect(errorsOn('v')).toEqual([]);
  });
});

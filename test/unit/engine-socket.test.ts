import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../src/shared/protocol';
import { TestClient } from '../helpers/engine-client';

let engine: RunningEngine;
const url = (token = engine.token): string => `${engine.wsUrl}?token=${encodeURIComponent(token)}`;

beforeAll(async () => {
  engine = await startEngine({ env: {}, extraOrigins: ['http://localhost:5173'] });
});
afterAll(async () => {
  await engine.close();
});

describe('engine socket: who may connect', () => {
  it('listens on 127.0.0.1 only', async () => {
    // A socket bound to 0.0.0.0 would answer on every address; the URL string alone proves nothing.
    expect(engine.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await reachable('127.0.0.1', engine.port)).toBe(true);
    // On Linux all of 127/8 is the loopback: 127.0.0.2 reaches a wildcard socket, never a 127.0.0.1 one.
    const others = ['127.0.0.2'];
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') others.push(a.address);
    }
    for (const host of others) expect(await reachable(host, engine.port), host).toBe(false);
  });

  it('refuses a wrong or missing token', async () => {
    await expect(TestClient.open(url('wrong'))).rejects.toThrow('HTTP 401');
    await expect(TestClient.open(engine.wsUrl)).rejects.toThrow('HTTP 401');
  });

  it('refuses a foreign Origin even with the right token', async () => {
    await expect(TestClient.open(url(), { Origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(TestClient.open(url(), { Origin: 'http://127.0.0.1:1' })).rejects.toThrow('HTTP 403');
  });

  it('accepts its own origin and the configured extra origin', async () => {
    const own = await TestClient.open(url(), { Origin: engine.httpUrl });
    const dev = await TestClient.open(url(), { Origin: 'http://localhost:5173' });
    const rejected = engine.stats.rejectedUpgrades;
    // Each is greeted with the engine's state: the presets a page offers.
    expect((await own.waitFor('hello')).presets.length).toBeGreaterThan(0);
    expect((await dev.waitFor('hello')).presets.length).toBeGreaterThan(0);
    expect(engine.stats.rejectedUpgrades).toBe(rejected);
    own.close();
    dev.close();
  });
});

describe('engine socket: bad messages are refused, the good client keeps working', () => {
  it('answers malformed, invalid and oversized messages with errors and stays connected', async () => {
    const bad = await TestClient.open(url(), { Origin: engine.httpUrl });
    const good = await TestClient.open(url(), { Origin: engine.httpUrl });
    await bad.waitFor('hello');
    const dropped = engine.stats.droppedMessages;

    bad.ws.send('{not json');
    expect((await bad.waitFor('error', (e) => e.code === 'bad_json')).stage).toBe('protocol');

    bad.send({ type: 'lane.create', spec: 42 });
    const invalid = await bad.waitFor('error', (e) => e.code === 'bad_message');
    expect(invalid.message).toContain('spec');

    bad.send({ type: 'no.such.message' });
    bad.send({ type: 'chat.send', laneId: '../etc', text: 'hi' });
    bad.ws.send('x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
    const tooLarge = await bad.waitFor('error', (e) => e.code === 'too_large');
    expect(tooLarge.retryable).toBe(false);
    bad.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const badAudio = await bad.waitFor('error', (e) => e.code === 'bad_audio_frame');
    expect(badAudio).toMatchObject({ stage: 'audio', retryable: false });
    expect(engine.stats.droppedMessages - dropped).toBe(5);
    expect(engine.stats.droppedAudioFrames).toBe(1);

    // Both connections still work: the bad one can still ping, the good one runs a turn.
    bad.send({ type: 'ping', id: 7, clientAtMs: 1 });
    expect((await bad.waitFor('pong')).id).toBe(7);
    good.send({ type: 'lane.create', laneId: 'good', spec: 'sim:tps=5000,ttft=0' });
    good.send({ type: 'chat.send', laneId: 'good', text: 'Tell me about tea.' });
    const done = await good.waitFor('llm.done', (e) => e.laneId === 'good');
    expect(done.text.length).toBeGreaterThan(0);
    bad.close();
    good.close();
  });

  it('names the problem with a bad lane spec and an unknown lane', async () => {
    const c = await TestClient.open(url());
    c.send({ type: 'lane.create', laneId: 'x', spec: 'warp:speed=9' });
    expect((await c.waitFor('error', (e) => e.code === 'bad_spec')).message).toContain(
      'unknown provider "warp"',
    );
    c.send({ type: 'chat.send', laneId: 'nope', text: 'hi' });
    expect((await c.waitFor('error', (e) => e.code === 'no_lane')).message).toContain('nope');
    c.close();
  });
});

describe('engine: web pages', () => {
  it('serves 503 with how to build when no renderer folder was given', async () => {
    const res = await fetch(`${engine.httpUrl}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('bin/dialtone web');
  });
});

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { TestClient } from '../helpers/engine-client';

let engine: RunningEngine;
let client: TestClient;

beforeAll(async () => {
  engine = await startEngine({ env: {} });
  client = await TestClient.connect(engine);
});
afterAll(async () => {
  client.close();
  await engine.close();
});

const streamedText = (laneId: string, turnId: string): string =>
  client
    .of('llm.token')
    .filter((e) => e.laneId === laneId && e.turnId === turnId)
    .map((e) => e.text)
    .join('');

describe('lanes over the engine socket, against the embedded simulated backend', () => {
  it('streams a reply whose tokens add up to the final text, with measured TTFT and rate', async () => {
    client.send({ type: 'lane.create', laneId: 'a', spec: 'sim:tps=1000,ttft=120' });
    client.send({ type: 'chat.send', laneId: 'a', text: 'What do you think about the ocean?' });
    const started = await client.waitFor('turn.started', (e) => e.laneId === 'a');
    const done = await client.waitFor('llm.done', (e) => e.laneId === 'a');
    expect(done.turnId).toBe(started.turnId);
    expect(streamedText('a', done.turnId)).toBe(done.text);
    const batches = client.of('llm.token').filter((e) => e.turnId === done.turnId);
    expect(batches.at(-1)?.totalTokens).toBe(done.metrics.tokens);
    expect(done.metrics.ttftMs).toBeGreaterThanOrEqual(115);
    expect(done.metrics.ttftMs).toBeLessThan(600);
    expect(done.metrics.tokensPerSecond).toBeGreaterThan(600);
    expect(done.metrics.tokensPerSecond).toBeLessThan(1400);
    // The turn's entries travel once, when it ends; `lane.state` carries no history.
    const appended = await client.waitFor('history.append', (e) => e.laneId === 'a');
    expect(appended.turnId).toBe(done.turnId);
    expect(appended.entries.map((h) => h.role)).toEqual(['user', 'assistant']);
    expect(appended.entries[1]?.text).toBe(done.text);
    expect(client.of('lane.state').every((e) => !('history' in e.lane))).toBe(true);
  });

  it('runs two lanes at once; the faster backend finishes first', async () => {
    client.send({ type: 'lane.create', laneId: 'fast', spec: 'sim:tps=2000,ttft=100' });
    client.send({ type: 'lane.create', laneId: 'slow', spec: 'sim:tps=60,ttft=500,max=40' });
    client.send({ type: 'chat.send', laneId: 'slow', text: 'Say goodbye.' });
    client.send({ type: 'chat.send', laneId: 'fast', text: 'Say goodbye.' });
    const [fast, slow] = await Promise.all([
      client.waitFor('llm.done', (e) => e.laneId === 'fast'),
      client.waitFor('llm.done', (e) => e.laneId === 'slow'),
    ]);
    expect(client.events.indexOf(fast)).toBeLessThan(client.events.indexOf(slow));
    expect(slow.metrics.ttftMs).toBeGreaterThan(450);
    expect(slow.metrics.tokensPerSecond).toBeLessThan(80);
    expect(fast.metrics.tokensPerSecond).toBeGreaterThan(1000);
  });

  it('streams hidden reasoning before the answer and reports it separately', async () => {
    client.send({ type: 'lane.create', laneId: 'think', spec: 'sim:tps=4000,ttft=0,reasoning=50' });
    client.send({ type: 'chat.send', laneId: 'think', text: 'Why is the sky blue?' });
    const done = await client.waitFor('llm.done', (e) => e.laneId === 'think');
    const reasoning = client.of('llm.reasoning').filter((e) => e.turnId === done.turnId);
    const firstToken = client.of('llm.token').find((e) => e.turnId === done.turnId);
    expect(reasoning.at(-1)?.totalTokens).toBe(50);
    expect(client.events.indexOf(reasoning.at(-1)!)).toBeLessThan(client.events.indexOf(firstToken!));
    expect(done.metrics.reasoningTokens).toBe(50);
    expect(done.text).not.toContain(reasoning[0]!.text.trim());
  });

  it('cancels a turn at once; history keeps only what arrived, and the next turn works', async () => {
    client.send({ type: 'lane.create', laneId: 'c', spec: 'sim:tps=40,ttft=0' });
    client.send({ type: 'chat.send', laneId: 'c', text: 'Tell me a long story about trains.' });
    await client.waitFor('llm.token', (e) => e.laneId === 'c' && e.totalTokens >= 3);
    client.send({ type: 'turn.cancel', laneId: 'c' });
    const interrupt = await client.waitFor('interrupt', (e) => e.laneId === 'c', 1_000);
    expect(interrupt.heardText).toBe(streamedText('c', interrupt.turnId));
    expect(interrupt.heardText.length).toBeGreaterThan(0);
    client.send({ type: 'lane.configure', laneId: 'c', spec: 'sim:tps=5000,ttft=0' });
    client.send({ type: 'chat.send', laneId: 'c', text: 'And now?' });
    const done = await client.waitFor('llm.done', (e) => e.laneId === 'c');
    expect(await client.waitForHistory('c', 4)).toMatchObject([
      { role: 'user' },
      { role: 'assistant', text: interrupt.heardText, interrupted: true },
      { role: 'user', text: 'And now?' },
      { role: 'assistant', text: done.text },
    ]);
  });

  it('a failed turn shows an error on that lane only; the lane and the others keep working', async () => {
    client.send({ type: 'lane.create', laneId: 'bad', spec: 'sim:tps=5000,ttft=0,fault=500' });
    client.send({ type: 'lane.create', laneId: 'ok', spec: 'sim:tps=5000,ttft=0' });
    client.send({ type: 'chat.send', laneId: 'bad', text: 'Hello?' });
    client.send({ type: 'chat.send', laneId: 'ok', text: 'Hello?' });
    const error = await client.waitFor('error', (e) => e.laneId === 'bad');
    expect(error).toMatchObject({ stage: 'llm', code: 'server', retryable: true });
    await client.waitFor('llm.done', (e) => e.laneId === 'ok');

    client.send({ type: 'lane.create', laneId: 'limited', spec: 'sim:fault=429/2' });
    client.send({ type: 'chat.send', laneId: 'limited', text: 'Hello?' });
    const limited = await client.waitFor('error', (e) => e.laneId === 'limited');
    expect(limited).toMatchObject({ code: 'rate_limited', retryAfterMs: 2000, retryable: true });

    client.send({ type: 'lane.configure', laneId: 'bad', spec: 'fast' });
    client.send({ type: 'chat.send', laneId: 'bad', text: 'Second try.' });
    const done = await client.waitFor('llm.done', (e) => e.laneId === 'bad');
    expect(done.text.length).toBeGreaterThan(0);
    for (const laneId of ['a', 'fast', 'slow', 'think', 'c', 'bad', 'ok', 'limited']) {
      client.send({ type: 'lane.remove', laneId });
    }
    await client.waitFor('lane.removed', (e) => e.laneId === 'limited');
  });

  it('a new message while a turn is in flight cancels it and keeps the spoken order', async () => {
    client.send({ type: 'lane.create', laneId: 'barge', spec: 'sim:tps=30,ttft=0' });
    client.send({ type: 'chat.send', laneId: 'barge', text: 'First question.' });
    await client.waitFor('llm.token', (e) => e.laneId === 'barge');
    client.send({ type: 'lane.configure', laneId: 'barge', spec: 'sim:tps=5000,ttft=0' });
    client.send({ type: 'chat.send', laneId: 'barge', text: 'Second question.' });
    await client.waitFor('interrupt', (e) => e.laneId === 'barge');
    await client.waitFor('llm.done', (e) => e.laneId === 'barge');
    const history = await client.waitForHistory('barge', 4);
    expect(history.map((h) => `${h.role}${h.interrupted ? '!' : ''}`)).toEqual([
      'user',
      'assistant!',
      'user',
      'assistant',
    ]);
    const state = await client.waitFor(
      'lane.state',
      (e) => e.lane.laneId === 'barge' && e.lane.state === 'idle',
    );
    expect(state.lane.state).toBe('idle');
  });
});

/**
 * The recent turns a client receives in `hello`, over the real engine socket with the embedded
 * simulated backend: a page that (re)connects (OBS reloading /overlay) gets each lane's last turns,
 * exactly as `turn.metrics` carried them; a reset or a removal leaves none behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { RECENT_TURNS, type RecentTurn } from '../../src/shared/protocol';
import { TestClient } from '../helpers/engine-client';

let engine: RunningEngine;
let client: TestClient;
const opened: TestClient[] = [];

const QUICK = 'sim:tps=5000,ttft=20,max=10';

beforeAll(async () => {
  engine = await startEngine({ env: {} });
  client = await connect();
});
afterAll(async () => {
  for (const c of opened) c.close();
  await engine.close();
});

async function connect(): Promise<TestClient> {
  const c = await TestClient.connect(engine);
  opened.push(c);
  return c;
}

/** What a client connecting now receives for the lane. */
async function recentOnConnect(laneId: string): Promise<RecentTurn[]> {
  const late = await connect();
  const hello = await late.waitFor('hello');
  late.close();
  return hello.recentTurns.filter((t) => t.laneId === laneId);
}

/** One typed turn, to its end; returns its `turn.metrics` as the first client saw it. */
async function turn(laneId: string, text: string): Promise<RecentTurn> {
  const seen = new Set(client.of('turn.metrics').map((e) => e.turnId));
  client.send({ type: 'chat.send', laneId, text });
  const metrics = await client.waitFor('turn.metrics', (e) => e.laneId === laneId && !seen.has(e.turnId));
  return { laneId: metrics.laneId, turnId: metrics.turnId, timeline: metrics.timeline };
}

describe('recent turns for clients that connect later', () => {
  it('a second client receives the three finished turns, in order, equal to their turn.metrics', async () => {
    client.send({ type: 'lane.create', laneId: 'r', spec: QUICK });
    client.send({ type: 'lane.create', laneId: 'other', spec: QUICK });
    const sent = [await turn('r', 'One.'), await turn('r', 'Two.'), await turn('r', 'Three.')];
    const otherTurn = await turn('other', 'Elsewhere.');
    expect(new Set(sent.map((t) => t.turnId)).size).toBe(3);

    expect(await recentOnConnect('r')).toEqual(sent);
    expect(await recentOnConnect('other')).toEqual([otherTurn]);
  });

  it('after lane.reset a new client receives none for that lane; other lanes keep theirs', async () => {
    const otherBefore = await recentOnConnect('other');
    client.send({ type: 'lane.reset', laneId: 'r' });
    const cleared = await client.waitFor('lane.cleared', (e) => e.laneId === 'r');
    expect(cleared.staleTurnIds).toEqual([]);

    expect(await recentOnConnect('r')).toEqual([]);
    expect(await recentOnConnect('other')).toEqual(otherBefore);

    // The fresh conversation's turns are kept again.
    const next = await turn('r', 'Fresh start.');
    expect(await recentOnConnect('r')).toEqual([next]);
  });

  it(`more than ${RECENT_TURNS} turns keep the last ${RECENT_TURNS}`, async () => {
    client.send({ type: 'lane.create', laneId: 'many', spec: QUICK });
    const sent: RecentTurn[] = [];
    for (let i = 1; i <= RECENT_TURNS + 3; i++) sent.push(await turn('many', `Message ${i}.`));
    const recent = await recentOnConnect('many');
    expect(recent).toHaveLength(RECENT_TURNS);
    expect(recent).toEqual(sent.slice(-RECENT_TURNS));
  }, 60_000);

  it('a turn cut short by the reset stays out of the fresh history, and clients are told its id', async () => {
    // Regression: the cancelled turn's reply and timeline used to land in the conversation just cleared.
    client.send({ type: 'lane.create', laneId: 'mid', spec: 'sim:tps=30,ttft=0' });
    client.send({ type: 'chat.send', laneId: 'mid', text: 'Tell me a long story.' });
    const started = await client.waitFor('turn.started', (e) => e.laneId === 'mid');
    await client.waitFor('llm.token', (e) => e.turnId === started.turnId && e.totalTokens >= 2);
    client.send({ type: 'lane.reset', laneId: 'mid' });
    const cleared = await client.waitFor('lane.cleared', (e) => e.laneId === 'mid');
    expect(cleared.staleTurnIds).toEqual([started.turnId]);
    // Its timeline is still sent (players wait for it), but it is no one's history.
    const late = await client.waitFor('turn.metrics', (e) => e.turnId === started.turnId);
    expect(client.events.indexOf(late)).toBeGreaterThan(client.events.indexOf(cleared));
    const idle = await client.waitFor(
      'lane.state',
      (e) =>
        e.lane.laneId === 'mid' &&
        e.lane.state === 'idle' &&
        client.events.indexOf(e) > client.events.indexOf(late),
    );
    expect(idle.lane.state).toBe('idle');
    expect(client.of('history.append').filter((e) => e.turnId === started.turnId)).toEqual([]);
    expect(client.history('mid')).toEqual([]);
    expect(await recentOnConnect('mid')).toEqual([]);
  });

  it('a removed lane leaves no recent turns behind', async () => {
    client.send({ type: 'lane.remove', laneId: 'many' });
    await client.waitFor('lane.removed', (e) => e.laneId === 'many');
    const late = await connect();
    const hello = await late.waitFor('hello');
    expect(hello.lanes.map((l) => l.laneId)).not.toContain('many');
    expect(hello.recentTurns.some((t) => t.laneId === 'many')).toBe(false);
    expect(hello.recentTurns.map((t) => t.laneId)).toContain('r');
  });
});

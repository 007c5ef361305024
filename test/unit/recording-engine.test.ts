/**
 * Record and replay through the engine, as the app does it: a lane with `record=` writes its turns,
 * a `replay:file=` lane plays them back with the same words and timing, labelled as a replay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { readRecording } from '../../src/main/engine/recording/reader';
import { TestClient } from '../helpers/engine-client';

const dir = mkdtempSync(join(tmpdir(), 'dialtone-rec-engine-'));
let engine: RunningEngine;
let client: TestClient;

beforeAll(async () => {
  engine = await startEngine({ env: {} });
  client = await TestClient.connect(engine);
});
afterAll(async () => {
  client.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

async function chat(laneId: string, text: string) {
  const before = new Set(client.of('llm.done'));
  client.send({ type: 'chat.send', laneId, text });
  return client.waitFor('llm.done', (e) => e.laneId === laneId && !before.has(e));
}

describe('recording a lane in the engine and replaying it', () => {
  it('replays each turn with the recorded words and timing', async () => {
    const file = join(dir, 'lane.json');
    client.send({ type: 'lane.create', laneId: 'live', spec: `sim:tps=400,ttft=200,record=${file}` });
    const live = [await chat('live', 'Hello!'), await chat('live', 'How are you?')];

    const rec = readRecording(file);
    expect(rec.turns.map((t) => t.text)).toEqual(live.map((d) => d.text));
    // The second request carries the conversation so far, as the lane sent it.
    expect(rec.turns[1]!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);

    client.send({ type: 'lane.create', laneId: 'again', spec: `replay:file=${file}` });
    const state = await client.waitFor('lane.state', (e) => e.lane.laneId === 'again');
    expect(state.lane.provider).toBe('replay');
    expect(state.lane.spec).toBe(`replay:file=${file}`);
    const again = [await chat('again', 'Hello!'), await chat('again', 'How are you?')];
    for (const [i, d] of again.entries()) {
      expect(d.text).toBe(live[i]!.text);
      expect(Math.abs(d.metrics.ttftMs! - live[i]!.metrics.ttftMs!)).toBeLessThan(50);
      expect(d.metrics.tokens).toBe(live[i]!.metrics.tokens);
      expect(d.metrics.providerTiming).toEqual(live[i]!.metrics.providerTiming);
    }
  });
});

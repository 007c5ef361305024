/**
 * A race replaces the stage's lanes: a lane outside the race, its microphone open, must not answer
 * over the race. Catches an engine that adds race lanes beside a live lane (its open mic hears the
 * presenter or the room and replies unseen), a lane that is never released when the race ends, and a
 * typed turn on that lane still streaming during the race.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { TestClient } from '../helpers/engine-client';
import { scriptedSpeech, speakInto } from '../helpers/scripted-speech';

const speech = scriptedSpeech({ sttDelayMs: 10, ttsDelayMs: 10, transcript: 'Are you there?' });
let engine: RunningEngine;
let client: TestClient;
let seq = 0;

beforeAll(async () => {
  engine = await startEngine({ env: {}, speech: speech.factories });
  client = await TestClient.connect(engine);
});
afterAll(async () => {
  client.close();
  await engine.close();
});

const speak = async (laneId: string, voicedMs: number, silentMs: number): Promise<void> => {
  seq = await speakInto(client.ws, laneId, voicedMs, silentMs, seq);
};

const vadStarts = (laneId: string): number =>
  client.of('vad.start').filter((e) => e.laneId === laneId).length;

describe('a race holds the lanes outside it', () => {
  it('stops their turn, ignores their microphone while it runs, and releases them when it ends', async () => {
    client.send({ type: 'lane.create', laneId: 'room', spec: 'sim:tps=20,ttft=0' });
    client.send({ type: 'lane.speech', laneId: 'room', stt: 'local', tts: 'none' });
    client.send({ type: 'mic.mode', laneId: 'room', mode: 'open' });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'room' && e.lane.state === 'listening');

    // A slow typed reply is streaming on the lane when the race starts.
    client.send({ type: 'chat.send', laneId: 'room', text: 'Tell me a long story.' });
    const typed = await client.waitFor('turn.started', (e) => e.laneId === 'room');
    client.send({
      type: 'scenario.start',
      scenario: 'goodbye',
      lanes: [{ laneId: 'race-a', spec: 'sim:tps=20,ttft=0' }],
      speech: false,
      maxTurns: 200,
    });
    await client.waitFor('scenario.started');
    const cut = await client.waitFor('turn.metrics', (e) => e.turnId === typed.turnId);
    expect(cut.timeline).toBeDefined();
    const tokensAtStart = client.of('llm.token').filter((e) => e.turnId === typed.turnId).length;

    await speak('room', 600, 600);
    expect(vadStarts('room')).toBe(0);
    expect(client.of('turn.started').filter((e) => e.laneId === 'room')).toHaveLength(1);
    expect(client.of('llm.token').filter((e) => e.turnId === typed.turnId)).toHaveLength(tokensAtStart);

    client.send({ type: 'scenario.stop' });
    await client.waitFor('scenario.finished', (e) => e.laneId === 'race-a');
    await new Promise((r) => setTimeout(r, 50));
    await speak('room', 600, 600);
    await client.waitFor('vad.start', (e) => e.laneId === 'room');
    const answered = await client.waitFor('stt.final', (e) => e.laneId === 'room');
    expect(answered.text).toBe('Are you there?');
  }, 20_000);
});

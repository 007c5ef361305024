/**
 * The lane's voice pipeline over the real engine socket, with speech stages of known delay: mic
 * frames → VAD → STT → LLM (simulated backend over HTTP) → chunker → TTS → audio frames out; player
 * reports back; the turn's timeline must show the injected delays. Barge-in keeps only what was heard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFrame, TTS_AUDIO, type AudioFrame } from '../../src/shared/audio-frames';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { TestClient } from '../helpers/engine-client';
import { FRAME_MS, scriptedSpeech, speakInto } from '../helpers/scripted-speech';

const STT_DELAY_MS = 120;
const TTS_DELAY_MS = 80;
const speech = scriptedSpeech({
  sttDelayMs: STT_DELAY_MS,
  ttsDelayMs: TTS_DELAY_MS,
  transcript: 'Tell me about the sea.',
});
let engine: RunningEngine;
let client: TestClient;
const audioOut: AudioFrame[] = [];

beforeAll(async () => {
  engine = await startEngine({ env: {}, speech: speech.factories });
  client = await TestClient.connect(engine);
  client.ws.on('message', (data, isBinary) => {
    if (isBinary) audioOut.push(decodeAudioFrame(data as Buffer));
  });
});
afterAll(async () => {
  client.close();
  await engine.close();
});

const speak = (laneId: string, voicedMs: number, silentMs: number, startIndex = 0): Promise<number> =>
  speakInto(client.ws, laneId, voicedMs, silentMs, startIndex);

describe('voice turn, open mic', () => {
  it('endpoints, transcribes, answers and speaks; the timeline shows the injected delays', async () => {
    client.send({ type: 'lane.create', laneId: 'v', spec: 'sim:tps=2000,ttft=100' });
    client.send({ type: 'lane.speech', laneId: 'v', stt: 'local', tts: 'espeak' });
    client.send({ type: 'mic.mode', laneId: 'v', mode: 'open' });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'v' && e.lane.state === 'listening');

    const spokenAt = performance.now();
    await speak('v', 800, 500);
    const start = await client.waitFor('vad.start', (e) => e.laneId === 'v');
    const end = await client.waitFor('vad.end', (e) => e.laneId === 'v');
    expect(start.atMs).toBeGreaterThanOrEqual(spokenAt - 5);
    expect(end.atMs - start.atMs).toBeGreaterThan(700);
    expect(end.atMs - start.atMs).toBeLessThan(900);

    const final = await client.waitFor('stt.final', (e) => e.laneId === 'v');
    expect(final.text).toBe('Tell me about the sea.');
    expect(final.sttMs).toBeGreaterThanOrEqual(STT_DELAY_MS - 2);
    // The utterance handed to STT covers the speech (800 ms at 16 kHz, plus the trailing silence window).
    expect(speech.stt.heard[0]).toBeGreaterThanOrEqual(0.8 * 16_000);

    const started = await client.waitFor('turn.started', (e) => e.laneId === 'v');
    expect(started.userText).toBe('Tell me about the sea.');
    await client.waitFor('tts.text', (e) => e.laneId === 'v');
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'v' && e.lane.state === 'speaking');
    const firstAudio = audioOut.find((f) => f.laneId === 'v');
    expect(firstAudio?.kind).toBe(TTS_AUDIO);
    // The player reports when the first sample became audible, and later that all of it played.
    const audibleAtMs = performance.now() + 20;
    client.send({ type: 'playback.started', laneId: 'v', turnId: started.turnId, audibleAtMs });
    const done = await client.waitFor('llm.done', (e) => e.laneId === 'v');
    await new Promise((r) => setTimeout(r, 200));
    const playedMs = audioOut
      .filter((f) => f.laneId === 'v')
      .reduce((ms, f) => ms + (f.samples.length * 1000) / f.sampleRate, 0);
    client.send({
      type: 'playback.ended',
      laneId: 'v',
      turnId: started.turnId,
      playedMs,
      endedAtMs: performance.now(),
      interrupted: false,
    });
    const { timeline } = await client.waitFor('turn.metrics', (e) => e.laneId === 'v');
    expect(timeline.endpointMs).toBeGreaterThanOrEqual(290);
    expect(timeline.endpointMs).toBeLessThan(300 + 2 * FRAME_MS);
    expect(timeline.sttMs).toBeGreaterThanOrEqual(STT_DELAY_MS - 2);
    expect(timeline.sttMs).toBeLessThan(STT_DELAY_MS + 150);
    expect(timeline.ttftMs).toBeGreaterThanOrEqual(95);
    expect(timeline.ttsMs).toBeGreaterThanOrEqual(TTS_DELAY_MS - 2);
    expect(timeline.ttsMs).toBeLessThan(TTS_DELAY_MS + 150);
    // Playout runs from the first frame the player received to when it said it was audible.
    expect(Math.abs(timeline.playoutMs! - (audibleAtMs - firstAudio!.atMs))).toBeLessThan(1);
    // The gap runs from the end of the user's speech (800 ms after it began, give or take a frame)
    // to the audible reply, and is made of the segments the timeline shows.
    expect(Math.abs(timeline.gapMs! - (audibleAtMs - (spokenAt + 800)))).toBeLessThan(3 * FRAME_MS);
    const segmentsMs =
      timeline.endpointMs! +
      timeline.sttMs! +
      timeline.ttftMs! +
      timeline.firstChunkMs! +
      timeline.ttsMs! +
      timeline.playoutMs!;
    expect(timeline.gapMs).toBeGreaterThanOrEqual(segmentsMs - 1);
    expect(timeline.gapMs).toBeLessThan(segmentsMs + 50);
    expect(timeline.speechMs).toBe(playedMs);
    expect(timeline.tokens).toBe(done.metrics.tokens);
    const history = await client.waitForHistory('v', 2);
    expect(history[1]).toMatchObject({ role: 'assistant', text: done.text });
  });

  it('barge-in: speaking over the bot interrupts it, and history keeps only what was heard', async () => {
    client.send({ type: 'lane.create', laneId: 'b', spec: 'sim:tps=2000,ttft=50,tokens=120' });
    client.send({ type: 'lane.speech', laneId: 'b', stt: 'local', tts: 'espeak' });
    client.send({ type: 'mic.mode', laneId: 'b', mode: 'open' });
    client.send({ type: 'chat.send', laneId: 'b', text: 'Tell me a long story.' });
    const started = await client.waitFor('turn.started', (e) => e.laneId === 'b');
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'b' && e.lane.state === 'speaking');
    client.send({
      type: 'playback.started',
      laneId: 'b',
      turnId: started.turnId,
      audibleAtMs: performance.now(),
    });

    // A short "mhm" (under the guard) does not interrupt.
    let next = await speak('b', 150, 400);
    expect(client.of('interrupt').filter((e) => e.laneId === 'b')).toHaveLength(0);
    // Real speech over the bot does.
    next = await speak('b', 500, 0, next);
    const interrupt = await client.waitFor('interrupt', (e) => e.laneId === 'b');
    expect(interrupt.turnId).toBe(started.turnId);
    client.send({
      type: 'playback.ended',
      laneId: 'b',
      turnId: started.turnId,
      playedMs: 1_000,
      endedAtMs: performance.now(),
      interrupted: true,
    });
    const { timeline } = await client.waitFor(
      'turn.metrics',
      (e) => e.laneId === 'b' && e.turnId === started.turnId,
    );
    expect(timeline.interrupted).toBe(true);
    expect(timeline.speechMs).toBe(1_000);
    const appended = await client.waitFor(
      'history.append',
      (e) => e.laneId === 'b' && e.entries.some((h) => h.role === 'assistant'),
    );
    const heard = appended.entries.find((h) => h.role === 'assistant')!;
    // 1 s of audio at 200 ms per word: about five words were heard, not the whole reply.
    expect(heard.interrupted).toBe(true);
    const words = heard.text.split(/\s+/).filter(Boolean).length;
    expect(words).toBeGreaterThanOrEqual(3);
    expect(words).toBeLessThanOrEqual(6);
    await speak('b', 0, 400, next);
  });
});

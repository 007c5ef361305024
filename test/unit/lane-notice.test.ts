/**
 * Regression: a voice or recognizer whose worker did not start ran on the engine thread and only the
 * engine's log said so — every lane's timings were late while the app showed nothing. Now the lane
 * tells its clients once per provider (`lane.notice`), over the real engine socket; a provider the
 * lane has already let go of says nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import type { SpeechFactories } from '../../src/main/engine/lane';
import type { SttPort } from '../../src/main/engine/voice/ports';
import { TestClient } from '../helpers/engine-client';
import { DelayedStt, scriptedSpeech, ToneTts } from '../helpers/scripted-speech';

const onEngineThread = (engine: string, n: number): string =>
  `${engine} #${n} runs on the engine thread: its worker did not start (no worker file); ` +
  `while it runs, every lane's timings are late`;

/** A voice that, like Kokoro, learns where it runs when its model loads (`warm`, held until `loaded`). */
class PlacedTts extends ToneTts {
  engineThread: string | null = null;
  loaded: () => void = () => {};
  constructor(readonly n: number) {
    super(5, 20);
  }
  async warm(): Promise<void> {
    await new Promise<void>((resolve) => (this.loaded = resolve));
    this.engineThread = onEngineThread('Kokoro', this.n);
  }
}

/** A recognizer that, like local Whisper, learns where it runs when its model loads (`prepare`). */
class PlacedStt extends DelayedStt implements SttPort {
  engineThread: string | null = null;
  constructor(readonly n: number) {
    super(5, 'Hello.');
  }
  async prepare(): Promise<void> {
    this.engineThread = onEngineThread('Whisper', this.n);
  }
}

const voices: PlacedTts[] = [];
const recognizers: PlacedStt[] = [];
const speech: SpeechFactories = {
  ...scriptedSpeech({ sttDelayMs: 5, ttsDelayMs: 5, transcript: 'Hello.' }).factories,
  createTts: (spec) => {
    if (spec.provider === 'none') return null;
    const tts = new PlacedTts(voices.length + 1);
    voices.push(tts);
    return tts;
  },
  createStt: () => {
    const stt = new PlacedStt(recognizers.length + 1);
    recognizers.push(stt);
    return stt;
  },
};

let engine: RunningEngine;
let client: TestClient;

beforeAll(async () => {
  engine = await startEngine({ env: {}, speech });
  client = await TestClient.connect(engine);
});
afterAll(async () => {
  client.close();
  await engine.close();
});

const noticesOf = (laneId: string) => client.of('lane.notice').filter((e) => e.laneId === laneId);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a speech stage on the engine thread', () => {
  it('is told to the clients once, when the voice has loaded, however often it speaks', async () => {
    client.send({ type: 'lane.create', laneId: 'n', spec: 'sim:tps=2000,ttft=20,tokens=12' });
    client.send({ type: 'lane.speech', laneId: 'n', tts: 'kokoro:voice=af_heart' });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'n' && e.lane.speech.tts !== 'none');
    const voice = voices.at(-1)!;
    // Still loading: where it runs is not known yet, and nothing is said.
    await settle(50);
    expect(noticesOf('n')).toEqual([]);

    voice.loaded();
    const notice = await client.waitFor('lane.notice', (e) => e.laneId === 'n');
    expect(notice).toEqual({
      type: 'lane.notice',
      laneId: 'n',
      stage: 'tts',
      code: 'engine_thread',
      message: onEngineThread('Kokoro', voice.n),
    });

    // Two replies spoken by the same voice: still one notice.
    for (const text of ['Hi.', 'Again.']) {
      const spokenBefore = voice.spoken.length;
      client.send({ type: 'chat.send', laneId: 'n', text });
      for (let waitedMs = 0; voice.spoken.length === spokenBefore; waitedMs += 10) {
        expect(waitedMs, `the lane's voice never spoke "${text}"`).toBeLessThan(5_000);
        await settle(10);
      }
      client.send({ type: 'turn.cancel', laneId: 'n' });
    }
    await settle(50);
    expect(noticesOf('n')).toHaveLength(1);
  });

  it('is told for the recognizer when the microphone goes on and its model loads', async () => {
    client.send({ type: 'lane.create', laneId: 's', spec: 'sim:tps=2000' });
    client.send({ type: 'lane.speech', laneId: 's', stt: 'local:model=whisper-tiny.en' });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 's' && e.lane.speech.stt.startsWith('local'));
    await settle(30);
    // The model loads when the microphone goes on (not before): so does the notice.
    expect(noticesOf('s')).toEqual([]);
    client.send({ type: 'mic.mode', laneId: 's', mode: 'open' });
    const notice = await client.waitFor('lane.notice', (e) => e.laneId === 's');
    expect(notice).toMatchObject({ stage: 'stt', code: 'engine_thread' });
    expect(notice.message).toBe(onEngineThread('Whisper', recognizers.at(-1)!.n));
    client.send({ type: 'mic.mode', laneId: 's', mode: 'off' });
  });

  it('is not told for a voice the lane replaced before it loaded; the new voice tells its own', async () => {
    client.send({ type: 'lane.create', laneId: 'r', spec: 'sim:tps=2000' });
    client.send({ type: 'lane.speech', laneId: 'r', tts: 'kokoro:voice=af_heart' });
    await client.waitFor(
      'lane.state',
      (e) => e.lane.laneId === 'r' && e.lane.speech.tts.includes('af_heart'),
    );
    const replaced = voices.at(-1)!;
    client.send({ type: 'lane.speech', laneId: 'r', tts: 'kokoro:voice=am_michael' });
    await client.waitFor(
      'lane.state',
      (e) => e.lane.laneId === 'r' && e.lane.speech.tts.includes('am_michael'),
    );
    const current = voices.at(-1)!;
    expect(current).not.toBe(replaced);

    replaced.loaded();
    await settle(50);
    expect(noticesOf('r')).toEqual([]);
    current.loaded();
    await client.waitFor('lane.notice', (e) => e.laneId === 'r');
    await settle(30);
    expect(noticesOf('r').map((e) => e.message)).toEqual([onEngineThread('Kokoro', current.n)]);
  });
});

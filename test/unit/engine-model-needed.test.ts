/**
 * A first run without the speech model: the lane says once, before anyone speaks, that its speech
 * recognition model is not downloaded (with the model and its size), and `model.fetch` / `model.cancel`
 * download it from the app with progress on that lane. Real engine socket, real model manager, a local
 * HTTP server standing in for the model hub.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { MODELS } from '../../src/main/engine/models';
import { TestClient } from '../helpers/engine-client';

const whisper = MODELS.find((m) => m.id === 'whisper-tiny.en')!;
const first = whisper.files[0]!;
let mirror: Server;
let dataDir: string;
let engine: RunningEngine;
let client: TestClient;
/** While set, the hub sends the first file's first 1,000 bytes and then holds the connection. */
let hold = true;
const held: ServerResponse[] = [];
const ranges: (string | undefined)[] = [];

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-model-needed-'));
  mirror = createServer((req, res) => {
    const file = whisper.files.find(
      (f) => req.url === `/${whisper.repo}/resolve/${whisper.revision}/${f.path}`,
    );
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    ranges.push(req.headers.range);
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const headers = { 'content-length': String(file.sizeBytes - start) };
    if (start > 0)
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${file.sizeBytes - 1}/${file.sizeBytes}`,
      });
    else res.writeHead(200, headers);
    if (hold) {
      res.write(Buffer.alloc(1000 - start));
      held.push(res);
      return;
    }
    // Right sizes, but zeros: the checksum fails.
    res.end(Buffer.alloc(file.sizeBytes - start));
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const address = mirror.address();
  const mirrorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  engine = await startEngine({
    env: { DIALTONE_DATA_DIR: dataDir, DIALTONE_MODEL_MIRROR: mirrorUrl, DIALTONE_OFFLINE: '1' },
  });
  client = await TestClient.connect(engine);
});

afterAll(async () => {
  client.close();
  for (const res of held) res.destroy();
  await engine.close();
  await new Promise((resolve) => mirror.close(resolve));
  await fs.rm(dataDir, { recursive: true, force: true });
});

const notices = (laneId: string) => client.of('model.needed').filter((e) => e.laneId === laneId);

describe('a lane whose speech-in needs a model that is not downloaded', () => {
  it('hello lists the known models, each not cached', () => {
    const hello = client.of('hello')[0]!;
    expect(hello.models?.map((m) => [m.id, m.cached])).toEqual([
      ['whisper-tiny.en', false],
      ['kokoro-82m', false],
      ['moonshine-tiny', false],
    ]);
    expect(hello.models?.[0]?.sizeBytes).toBe(43_536_374);
  });

  it('says so once, when the lane gets the spec, before the microphone is on', async () => {
    client.send({
      type: 'lane.create',
      laneId: 'a',
      spec: 'sim:tps=2000,ttft=20',
      stt: 'local:model=whisper-tiny.en',
    });
    const notice = await client.waitFor('model.needed', (e) => e.laneId === 'a');
    expect(notice).toMatchObject({ stage: 'stt', modelId: 'whisper-tiny.en', sizeBytes: 43_536_374 });
    expect(notice.message).toBe('Speech recognition model not downloaded (whisper-tiny.en, 44 MB)');

    // The same spec again, other lane changes and the mic going on and off: no second notice.
    client.send({ type: 'lane.speech', laneId: 'a', stt: 'local:model=whisper-tiny.en' });
    client.send({ type: 'lane.configure', laneId: 'a', spec: 'sim:tps=1000,ttft=20' });
    client.send({ type: 'mic.mode', laneId: 'a', mode: 'open' });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'a' && e.lane.speech.mic === 'open');
    client.send({ type: 'mic.mode', laneId: 'a', mode: 'off' });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'a' && e.lane.speech.mic === 'off');
    await new Promise((r) => setTimeout(r, 200));
    expect(notices('a')).toHaveLength(1);

    // Typing instead ends the need; going back to the model says so again (once).
    client.send({ type: 'lane.speech', laneId: 'a', stt: 'typed' });
    client.send({ type: 'lane.speech', laneId: 'a', stt: 'local' });
    await client.waitFor('model.needed', (e) => e.laneId === 'a' && e !== notice);
    await new Promise((r) => setTimeout(r, 200));
    expect(notices('a')).toHaveLength(2);
  });

  it('a page that connects later is told too (the need is still open)', async () => {
    const late = await TestClient.connect(engine);
    try {
      const notice = await late.waitFor('model.needed', (e) => e.laneId === 'a');
      expect(notice.message).toBe('Speech recognition model not downloaded (whisper-tiny.en, 44 MB)');
    } finally {
      late.close();
    }
  });

  it('says nothing for a lane whose speech needs no model', async () => {
    client.send({ type: 'lane.create', laneId: 'b', spec: 'fast', stt: 'typed', tts: 'espeak:voice=en-us' });
    await client.waitFor('lane.state', (e) => e.lane.laneId === 'b');
    await new Promise((r) => setTimeout(r, 200));
    expect(notices('b')).toHaveLength(0);
  });

  it('model.fetch downloads with progress on the lane; model.cancel stops it and a new fetch resumes', async () => {
    client.send({ type: 'model.fetch', modelId: 'whisper-tiny.en' });
    const progress = await client.waitFor('model.progress', (e) => e.laneId === 'a');
    expect(progress).toMatchObject({ modelId: 'whisper-tiny.en', file: first.path, total: 43_536_374 });
    await waitUntil(async () => (await partialSize()) === 1000);

    client.send({ type: 'model.cancel', modelId: 'whisper-tiny.en' });
    const cancelled = await client.waitFor('model.state', (e) => e.modelId === 'whisper-tiny.en');
    expect(cancelled).toEqual({ type: 'model.state', modelId: 'whisper-tiny.en', cached: false });
    expect(await partialSize()).toBe(1000); // kept for the next attempt

    hold = false;
    client.send({ type: 'model.fetch', modelId: 'whisper-tiny.en', laneId: 'a' });
    const failed = await client.waitFor(
      'model.state',
      (e) => e.modelId === 'whisper-tiny.en' && e !== cancelled,
    );
    expect(ranges).toEqual([undefined, 'bytes=1000-']);
    expect(failed.cached).toBe(false);
    expect(failed.error).toMatch(/config\.json failed its checksum/);
  });

  it('refuses an unknown model to its sender', async () => {
    client.send({ type: 'model.fetch', modelId: 'no-such-model' });
    const error = await client.waitFor('error', (e) => e.code === 'unknown_model');
    expect(error.message).toContain('no-such-model');
  });
});

async function partialSize(): Promise<number> {
  return fs.stat(path.join(dataDir, 'models', whisper.id, `${first.path}.partial`)).then(
    (s) => s.size,
    () => -1,
  );
}

async function waitUntil(ok: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

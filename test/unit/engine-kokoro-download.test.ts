/**
 * Picking a Kokoro voice on a lane downloads the model through the mirror with progress on the lane;
 * a download that fails verification is an error on that lane, and the lane keeps answering (text only)
 * with a turn error that says why there is no voice. Real engine socket, real model manager, a local
 * HTTP server standing in for the hub.
 */
import { createServer, type Server } from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { MODELS } from '../../src/main/engine/models';
import { TestClient } from '../helpers/engine-client';

const kokoro = MODELS.find((m) => m.id === 'kokoro-82m')!;
const graph = kokoro.files[0]!;
let mirror: Server;
let mirrorUrl: string;
let dataDir: string;
let engine: RunningEngine;
let client: TestClient;
const requested: string[] = [];

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-kokoro-dl-'));
  // The hub's layout; every file the right size, but zeros, so the checksum fails at the end.
  mirror = createServer((req, res) => {
    requested.push(req.url ?? '');
    const file = kokoro.files.find((f) => req.url === `/${kokoro.repo}/resolve/${kokoro.revision}/${f.path}`);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': String(file.sizeBytes) });
    const chunk = Buffer.alloc(1 << 20);
    let left = file.sizeBytes;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const address = mirror.address();
  mirrorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  engine = await startEngine({ env: { DIALTONE_DATA_DIR: dataDir, DIALTONE_MODEL_MIRROR: mirrorUrl } });
  client = await TestClient.connect(engine);
});

afterAll(async () => {
  client.close();
  await engine.close();
  await new Promise((resolve) => mirror.close(resolve));
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('a lane picks a Kokoro voice', () => {
  it('downloads with progress, reports the failed checksum on the lane, and keeps answering in text', async () => {
    client.send({ type: 'lane.create', laneId: 'k', spec: 'sim:tps=2000,ttft=50' });
    client.send({ type: 'lane.speech', laneId: 'k', tts: 'kokoro:voice=bm_george' });

    const error = await client.waitFor('error', (e) => e.laneId === 'k' && e.stage === 'tts', 60_000);
    expect(error.code).toBe('model_missing');
    expect(error.message).toMatch(/^model kokoro-82m: model_quantized.onnx failed its checksum/);
    expect(error.message).not.toContain('\n');
    expect(error.retryable).toBe(false); // the model must be fetched first

    const progress = client.of('model.progress').filter((e) => e.laneId === 'k');
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every((p) => p.modelId === 'kokoro-82m')).toBe(true);
    const bytes = progress.map((p) => p.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(progress.at(-1)!.bytes).toBeGreaterThan(graph.sizeBytes * 0.99);
    expect(progress[0]!.total).toBe(kokoro.files.reduce((sum, f) => sum + f.sizeBytes, 0));
    expect(requested[0]).toBe(`/${kokoro.repo}/resolve/${kokoro.revision}/${graph.path}`);

    // The lane still answers; the turn says why it has no voice.
    client.send({ type: 'chat.send', laneId: 'k', text: 'Are you still there?' });
    const done = await client.waitFor('llm.done', (e) => e.laneId === 'k', 30_000);
    expect(done.text.length).toBeGreaterThan(0);
    const turnError = await client.waitFor(
      'error',
      (e) => e.laneId === 'k' && e.stage === 'tts' && e.turnId === done.turnId,
      30_000,
    );
    expect(turnError.code).toBe('model_missing');
    expect(turnError.message).toContain('bin/dialtone models fetch kokoro-82m');
  }, 120_000);
});

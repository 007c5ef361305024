/**
 * `model.fetch` as the engine runs it (ModelNotices): a model downloaded from a local hub arrives in
 * the cache, verified, with progress on the lane that needs it and `model.state` cached at the end;
 * a cancelled download resumes where it stopped. A real HTTP server and real files.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/protocol';
import { ModelManager } from '../../src/main/engine/models/manager';
import { ModelNotices } from '../../src/main/engine/models/model-notices';
import type { ModelEntry } from '../../src/main/engine/models/registry';

const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
const entry: ModelEntry = {
  id: 'whisper-tiny.en',
  label: 'test model',
  purpose: 'test',
  licence: 'MIT',
  licenceUrl: 'https://example.invalid',
  repo: 'test/model',
  revision: 'r1',
  files: [
    {
      path: 'onnx/model.onnx',
      sizeBytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    },
  ],
};
let server: Server;
let dir: string;
let hold = true;
const held: ServerResponse[] = [];
const ranges: (string | undefined)[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-model-fetch-'));
  server = createServer((req, res) => {
    ranges.push(req.headers.range);
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const rest = body.subarray(start);
    if (start > 0)
      res.writeHead(206, {
        'content-length': String(rest.length),
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
    else res.writeHead(200, { 'content-length': String(rest.length) });
    if (hold) {
      res.write(rest.subarray(0, 100_000));
      held.push(res);
    } else res.end(rest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const res of held) res.destroy();
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('fetching a model the lane was told it needs', () => {
  it('downloads it, resumes after a cancel, and reports it cached', async () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const events: EngineEvent[] = [];
    const models = new ModelManager({
      dir,
      registry: [entry],
      env: { DIALTONE_MODEL_MIRROR: `http://127.0.0.1:${port}` },
    });
    const notices = new ModelNotices(models, (e) => events.push(e));
    expect(notices.list()).toEqual([
      { id: entry.id, label: 'test model', sizeBytes: body.length, cached: false },
    ]);

    notices.laneChanged({
      laneId: 'a',
      label: 'a',
      spec: 'fast',
      provider: 'sim',
      model: 'sim',
      state: 'idle',
      speech: { stt: 'local:model=whisper-tiny.en', tts: 'none', mic: 'off' },
    });
    await until(() => events.some((e) => e.type === 'model.needed'));
    expect(events[0]).toMatchObject({
      type: 'model.needed',
      laneId: 'a',
      message: 'Speech recognition model not downloaded (whisper-tiny.en, 0.3 MB)',
    });

    notices.fetch(entry.id);
    const partial = path.join(dir, entry.id, 'onnx/model.onnx.partial');
    for (let size = 0; size < 100_000; await new Promise((r) => setTimeout(r, 10)))
      size = await fs.stat(partial).then(
        (s) => s.size,
        () => 0,
      );
    notices.cancel(entry.id);
    await until(() => events.some((e) => e.type === 'model.state'));
    expect(events.filter((e) => e.type === 'model.state')).toEqual([
      { type: 'model.state', modelId: entry.id, cached: false },
    ]);

    // A download the lane's own recogniser started (another manager, same cache) is the same download:
    // the Download button joins it and Cancel stops it.
    const recogniser = new ModelManager({
      dir,
      registry: [entry],
      env: { DIALTONE_MODEL_MIRROR: `http://127.0.0.1:${port}` },
    });
    const prepared = recogniser.ensure(entry.id).then(
      () => 'cached',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    for (let size = 0; size < 200_000; await new Promise((r) => setTimeout(r, 10)))
      size = await fs.stat(partial).then(
        (s) => s.size,
        () => 0,
      );
    notices.fetch(entry.id);
    notices.cancel(entry.id);
    expect(await prepared).toMatch(/not downloaded \(download cancelled\)/);
    await until(() => events.filter((e) => e.type === 'model.state').length === 2);
    expect(events.filter((e) => e.type === 'model.state').at(-1)).toEqual({
      type: 'model.state',
      modelId: entry.id,
      cached: false,
    });
    expect(held).toHaveLength(2); // joined, not a second connection

    hold = false;
    notices.fetch(entry.id);
    await until(() => events.filter((e) => e.type === 'model.state').length === 3);
    expect(events.at(-1)).toEqual({ type: 'model.state', modelId: entry.id, cached: true });
    expect(ranges).toEqual([undefined, 'bytes=100000-', 'bytes=200000-']);
    const progress = events.filter((e) => e.type === 'model.progress');
    expect(progress.every((p) => p.laneId === 'a')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ bytes: body.length, total: body.length });
    expect(await fs.readFile(path.join(dir, entry.id, 'onnx/model.onnx'))).toEqual(body);
    expect(notices.list()[0]?.cached).toBe(true);
  });
});

async function until(ok: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

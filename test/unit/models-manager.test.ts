/**
 * The model manager against a real HTTP server on 127.0.0.1 standing in for the hub (through
 * DIALTONE_MODEL_MIRROR, the same switch a user has): progress, resume with Range after a dropped
 * connection, checksum and size refusal, offline behaviour and its message.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ModelManager,
  ModelMissingError,
  ModelVerifyError,
  MODELS,
  modelsDir,
} from '../../src/main/engine/models';
import type { ModelEntry, ModelProgress } from '../../src/main/engine/models';

const CONFIG = Buffer.from('{"model_type":"test"}\n');
const WEIGHTS = randomBytes(300_000);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const ENTRY: ModelEntry = {
  id: 'test-model',
  label: 'Test model',
  purpose: 'tests',
  licence: 'MIT',
  licenceUrl: 'https://example.invalid/licence',
  repo: 'org/test-model',
  revision: 'rev1',
  files: [
    { path: 'config.json', sizeBytes: CONFIG.length, sha256: sha(CONFIG) },
    { path: 'onnx/weights.bin', sizeBytes: WEIGHTS.length, sha256: sha(WEIGHTS) },
  ],
};

interface Hit {
  url: string;
  range: string | undefined;
}

/** How the fake hub misbehaves for the next requests. */
const hub = {
  hits: [] as Hit[],
  /** Cut the connection after this many body bytes of weights.bin, for the next `cuts` requests. */
  cutAfter: 0,
  cuts: 0,
  corrupt: false,
  ignoreRange: false,
};

let server: http.Server;
let mirror: string;
let dataDir: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    hub.hits.push({ url, range: req.headers.range });
    const prefix = `/${ENTRY.repo}/resolve/${ENTRY.revision}/`;
    const file = url.startsWith(prefix) ? url.slice(prefix.length) : '';
    let body = file === 'config.json' ? CONFIG : file === 'onnx/weights.bin' ? WEIGHTS : undefined;
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    if (hub.corrupt && file === 'onnx/weights.bin') {
      body = Buffer.from(body);
      body[1234] = body[1234]! ^ 0xff;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && !hub.ignoreRange) {
      start = Number(m[1]);
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
    } else {
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
    }
    const rest = body.subarray(start);
    // Cut after the bytes have had time to arrive: a stream error discards chunks not yet read.
    if (file === 'onnx/weights.bin' && hub.cuts > 0) {
      hub.cuts--;
      res.write(rest.subarray(0, hub.cutAfter), () => setTimeout(() => res.destroy(), 100));
      return;
    }
    res.end(rest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(async () => {
  Object.assign(hub, { hits: [], cutAfter: 0, cuts: 0, corrupt: false, ignoreRange: false });
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-models-'));
});

afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

function manager(extraEnv: Record<string, string> = {}): ModelManager {
  return new ModelManager({
    env: { DIALTONE_DATA_DIR: dataDir, DIALTONE_MODEL_MIRROR: mirror, ...extraEnv },
    registry: [ENTRY],
  });
}

const weightsPath = (): string => path.join(dataDir, 'models', 'test-model', 'onnx', 'weights.bin');

describe('model manager', () => {
  it('downloads every file into the cache, reporting progress up to the total', async () => {
    const progress: ModelProgress[] = [];
    const location = await manager().ensure('test-model', { onProgress: (p) => progress.push(p) });

    expect(location.dir).toBe(path.join(dataDir, 'models', 'test-model'));
    expect(await fs.readFile(path.join(location.dir, 'config.json'))).toEqual(CONFIG);
    expect((await fs.readFile(weightsPath())).equals(WEIGHTS)).toBe(true);
    const total = CONFIG.length + WEIGHTS.length;
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((p) => p.total === total && p.modelId === 'test-model')).toBe(true);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.bytes).toBeGreaterThanOrEqual(progress[i - 1]!.bytes);
    expect(progress.at(-1)!.bytes).toBe(total);
    expect(progress.some((p) => p.file === 'onnx/weights.bin')).toBe(true);
    // Nothing half-written is left behind.
    expect(await fs.readdir(path.join(location.dir, 'onnx'))).toEqual(['weights.bin']);
    expect((await manager().status('test-model')).cached).toBe(true);
  });

  it('uses the cache without touching the network the second time', async () => {
    await manager().ensure('test-model');
    hub.hits = [];
    await manager().ensure('test-model', { offline: true });
    await manager().ensure('test-model');
    expect(hub.hits).toEqual([]);
  });

  it('resumes with a Range request after the connection drops mid-file, and the file is intact', async () => {
    hub.cutAfter = 120_000;
    hub.cuts = 1;
    await manager().ensure('test-model', { retryDelayMs: 10 });

    const weightHits = hub.hits.filter((h) => h.url.endsWith('weights.bin'));
    expect(weightHits).toHaveLength(2);
    expect(weightHits[0]!.range).toBeUndefined();
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(weightHits[1]!.range ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(120_000);
    expect((await fs.readFile(weightsPath())).equals(WEIGHTS)).toBe(true);
  });

  it('keeps the partial file when a download fails, and the next attempt resumes it', async () => {
    hub.cutAfter = 100_000;
    hub.cuts = 1;
    const first = await manager()
      .ensure('test-model', { retries: 0 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(first).toBeInstanceOf(ModelMissingError);
    expect((first as Error).message).toContain('bin/dialtone models fetch test-model');
    const partialBytes = (await fs.stat(`${weightsPath()}.partial`)).size;
    expect(partialBytes).toBeGreaterThan(0);

    hub.hits = [];
    await manager().ensure('test-model', { retries: 0 });
    expect(hub.hits.map((h) => h.range)).toEqual([`bytes=${partialBytes}-`]);
    expect((await fs.readFile(weightsPath())).equals(WEIGHTS)).toBe(true);
  });

  it('starts over when the server ignores Range and sends the whole file', async () => {
    hub.cutAfter = 50_000;
    hub.cuts = 1;
    hub.ignoreRange = true;
    await manager().ensure('test-model', { retryDelayMs: 10 });
    expect(hub.hits.filter((h) => h.url.endsWith('weights.bin'))[1]!.range).toMatch(/^bytes=\d+-$/);
    expect((await fs.readFile(weightsPath())).equals(WEIGHTS)).toBe(true);
  });

  it('refuses a file whose checksum does not match, deleting it', async () => {
    hub.corrupt = true;
    const err = await manager()
      .ensure('test-model')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ModelVerifyError);
    expect((err as Error).message).toMatch(/^model test-model: weights\.bin failed its checksum/);
    expect((err as Error).message).not.toContain('\n');
    await expect(fs.stat(weightsPath())).rejects.toThrow();
    await expect(fs.stat(`${weightsPath()}.partial`)).rejects.toThrow();
    expect((await manager().status('test-model')).missing).toEqual(['onnx/weights.bin']);
  });

  it('refuses a file of the wrong size', async () => {
    const entry: ModelEntry = {
      ...ENTRY,
      files: [{ ...ENTRY.files[1]!, sizeBytes: WEIGHTS.length - 10 }],
    };
    const m = new ModelManager({
      env: { DIALTONE_DATA_DIR: dataDir, DIALTONE_MODEL_MIRROR: mirror },
      registry: [entry],
    });
    await expect(m.ensure('test-model')).rejects.toThrow(ModelVerifyError);
  });

  it('offline: names the model, the folder and the command to fetch it, in one line, without a request', async () => {
    const cases: [ModelManager, { offline?: boolean }][] = [
      [manager({ DIALTONE_OFFLINE: '1' }), {}],
      [manager(), { offline: true }],
    ];
    for (const [m, options] of cases) {
      const err = await m.ensure('test-model', options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ModelMissingError);
      const msg = (err as Error).message;
      expect(msg).toBe(
        `model test-model is not downloaded (offline mode); it belongs in ${path.join(dataDir, 'models', 'test-model')} — ` +
          'fetch it with: bin/dialtone models fetch test-model',
      );
    }
    expect(hub.hits).toEqual([]);
  });

  it('with no network: a ModelMissingError saying why', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const m = new ModelManager({
      env: { DIALTONE_DATA_DIR: dataDir, DIALTONE_MODEL_MIRROR: `http://127.0.0.1:${port}` },
      registry: [ENTRY],
    });
    const err = await m.ensure('test-model', { retries: 1, retryDelayMs: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelMissingError);
    expect((err as Error).message).toMatch(
      /could not reach http:\/\/127\.0\.0\.1:\d+\/org\/test-model\/.*connection refused/,
    );
    expect((err as Error).message).toContain('models fetch test-model');
  });

  it('a 404 from the hub is not retried', async () => {
    const entry: ModelEntry = { ...ENTRY, files: [{ path: 'missing.bin', sizeBytes: 10 }] };
    const m = new ModelManager({
      env: { DIALTONE_DATA_DIR: dataDir, DIALTONE_MODEL_MIRROR: mirror },
      registry: [entry],
    });
    await expect(m.ensure('test-model', { retryDelayMs: 10 })).rejects.toThrow(/answered 404/);
    expect(hub.hits).toHaveLength(1);
  });

  it('aborting stops the download and keeps what arrived', async () => {
    hub.cutAfter = 100_000;
    hub.cuts = 1;
    const ac = new AbortController();
    const p = manager().ensure('test-model', { signal: ac.signal, retryDelayMs: 5_000 });
    // The cut happens, the manager waits to retry; abort during the wait.
    await new Promise((r) => setTimeout(r, 300));
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect((await fs.stat(`${weightsPath()}.partial`)).size).toBeGreaterThan(0);
  });

  it('an unknown model id names the known ones', () => {
    expect(() => manager().entry('nope')).toThrow('unknown model "nope" (known: test-model)');
  });
});

describe('model cache folder', () => {
  it('follows DIALTONE_DATA_DIR, else the platform data folder', () => {
    expect(modelsDir({ DIALTONE_DATA_DIR: '/data/dt' }, 'linux', '/home/a')).toBe('/data/dt/models');
    expect(modelsDir({}, 'linux', '/home/a')).toBe('/home/a/.cache/dialtone/models');
    expect(modelsDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/Dialtone/models');
    expect(modelsDir({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32', 'C:\\Users\\a')).toBe(
      'C:\\Users\\a\\AppData\\Local\\Dialtone\\models',
    );
  });
});

describe('model registry', () => {
  it('lists, for whisper-tiny.en, exactly the files transformers.js reads, each with a size and SHA-256', () => {
    const whisper = MODELS.find((m) => m.id === 'whisper-tiny.en')!;
    expect(whisper.files.map((f) => f.path).sort()).toEqual(
      [
        'config.json',
        'generation_config.json',
        'onnx/decoder_model_merged_quantized.onnx',
        'onnx/encoder_model_quantized.onnx',
        'preprocessor_config.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ].sort(),
    );
    expect(whisper.revision).toMatch(/^[0-9a-f]{40}$/);
    for (const m of MODELS) {
      for (const f of m.files) {
        expect(f.sizeBytes).toBeGreaterThan(0);
        if (f.sha256 !== undefined) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });
});

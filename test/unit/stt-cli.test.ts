/**
 * `bin/dialtone transcribe` and `bin/dialtone models` as a user runs them (spawned): one line on stderr
 * and a non-zero exit for a missing model or a bad file; the JSON contract on stdout.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/main/engine/audio/wav';

const BIN = path.join(__dirname, '..', '..', 'bin', 'dialtone');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      env: { ...process.env, DIALTONE_DATA_DIR: dataDir, DIALTONE_OFFLINE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dataDir: string;
let wav: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-cli-stt-'));
  wav = path.join(dataDir, 'tone.wav');
  const samples = new Float32Array(8_000).map((_, i) => 0.3 * Math.sin(i / 5));
  await fs.writeFile(wav, encodeWav(samples, 16_000));
});

afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('dialtone transcribe', () => {
  it('missing local model: one line naming the model and how to fetch it, exit 1', async () => {
    const r = await run(['transcribe', wav, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const folder = path.join(dataDir, 'models', 'whisper-tiny.en');
    expect(r.stderr).toBe(
      `dialtone transcribe: model whisper-tiny.en is not downloaded (not in the model cache); it belongs in ` +
        `${folder} — fetch it with: bin/dialtone models fetch whisper-tiny.en\n`,
    );
  });

  it('a file that is not a WAV: one line naming the file, exit 1', async () => {
    const bad = path.join(dataDir, 'notes.wav');
    await fs.writeFile(bad, 'these are not samples');
    const r = await run(['transcribe', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^dialtone transcribe: ${bad.replace(/[.]/g, '\\.')}: `));
  });

  it('a file that does not exist: one line naming it', async () => {
    const r = await run(['transcribe', path.join(dataDir, 'nope.wav')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`dialtone transcribe: ${path.join(dataDir, 'nope.wav')}: no such file\n`);
  });

  it('a bad --stt spec and typed mode are one-line errors', async () => {
    const unknown = await run(['transcribe', wav, '--stt', 'deepgram']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^dialtone transcribe: unknown stt provider "deepgram"/);
    const typed = await run(['transcribe', wav, '--stt', 'typed']);
    expect(typed.code).toBe(1);
    expect(typed.stderr).toBe('dialtone transcribe: --stt typed takes no audio: nothing to transcribe\n');
  });

  it('no file: usage', async () => {
    const r = await run(['transcribe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('usage: dialtone transcribe <file.wav>');
  });
});

describe('dialtone models', () => {
  it('list --json: the registry with cache state and folder', async () => {
    const r = await run(['models', 'list', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      dir: string;
      models: { id: string; cached: boolean; sizeBytes: number }[];
    };
    expect(out.dir).toBe(path.join(dataDir, 'models'));
    expect(out.models.find((m) => m.id === 'whisper-tiny.en')).toMatchObject({ cached: false });
  });

  it('fetch with the hub unreachable: one line saying why, exit 1', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await run(['models', 'fetch', 'whisper-tiny.en'], {
      DIALTONE_MODEL_MIRROR: `http://127.0.0.1:${port}`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^dialtone models: could not fetch whisper-tiny\.en: could not reach http:\/\/127\.0\.0\.1:\d+\/onnx-community\/whisper-tiny\.en\/resolve\/[0-9a-f]{40}\/config\.json \(connection refused\)/,
    );
  }, 30_000);

  it('fetch of an unknown model names the known ones', async () => {
    const r = await run(['models', 'fetch', 'whisper-huge']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'dialtone models: unknown model "whisper-huge" (known: whisper-tiny.en, kokoro-82m, moonshine-tiny)\n',
    );
  });
});

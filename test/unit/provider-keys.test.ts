/**
 * Every command that builds a provider reads its key the same way. Bug pinned: `bin/dialtone chat`
 * built its provider without the environment, so `CEREBRAS_API_KEY=… dialtone chat hi --lane
 * cerebras:…` said "Cerebras needs an API key" while `converse` sent the key. Here each command
 * (chat, converse, transcribe, say, web) runs for real against a local upstream that logs the
 * Authorization header it received: the key set in the environment must arrive as `Bearer <key>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/main/engine/audio/wav';
import { TestClient } from '../helpers/engine-client';
import {
  startKeyLoggingUpstream,
  UPSTREAM_REPLY,
  UPSTREAM_TRANSCRIPT,
  type KeyLoggingUpstream,
} from '../helpers/key-logging-upstream';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const CEREBRAS_KEY = 'csk-env-key-for-cerebras-7f3a';
const COMPATIBLE_KEY = 'sk-env-key-for-compatible-91b2';
const dir = mkdtempSync(join(tmpdir(), 'dialtone-keys-'));
let upstream: KeyLoggingUpstream;
const children: ChildProcess[] = [];

beforeAll(async () => {
  upstream = await startKeyLoggingUpstream();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The environment a user sets: keys in variables, none in the specs. */
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  CEREBRAS_API_KEY: CEREBRAS_KEY,
  OPENAI_COMPATIBLE_API_KEY: COMPATIBLE_KEY,
  // `web` keeps the overlay's viewer token in the config folder: a temporary one, not the user's.
  DIALTONE_CONFIG_DIR: dir,
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The Authorization headers the upstream got on `path` while `action` ran. */
async function authorizations(path: string, action: () => Promise<void>): Promise<(string | undefined)[]> {
  const before = upstream.requests.length;
  await action();
  return upstream.requests
    .slice(before)
    .filter((r) => r.path.endsWith(path))
    .map((r) => r.authorization);
}

// Each case spawns the CLI through tsx: seconds apiece on a busy 2-core machine.
describe('keys from the environment, per command', { timeout: 90_000 }, () => {
  it('chat: a named provider (cerebras) and openai-compatible send the key from the environment', async () => {
    for (const [provider, key] of [
      ['cerebras', CEREBRAS_KEY],
      ['openai-compatible', COMPATIBLE_KEY],
    ] as const) {
      const seen = await authorizations('/chat/completions', async () => {
        const r = await run(['chat', 'hi', '--lane', `${provider}:url=${upstream.url},model=m`, '--json']);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).text).toBe(UPSTREAM_REPLY);
      });
      expect(seen).toEqual([`Bearer ${key}`]);
    }
  });

  it('converse: each lane sends its provider key', async () => {
    const seen = await authorizations('/chat/completions', async () => {
      const r = await run([
        'converse',
        '--scenario',
        'goodbye',
        '--lane',
        `cerebras:url=${upstream.url},model=m`,
        '--max-turns',
        '2',
        '--no-speech',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([`Bearer ${CEREBRAS_KEY}`]));
  });

  it('transcribe: the speech-to-text request carries the key', async () => {
    const wav = join(dir, 'tone.wav');
    const samples = new Int16Array(16_000).map((_, i) => Math.round(4000 * Math.sin(i / 5)));
    writeFileSync(wav, encodeWav(samples, 16_000));
    const seen = await authorizations('/audio/transcriptions', async () => {
      const r = await run(['transcribe', wav, '--stt', `openai-compatible:url=${upstream.url}`, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).text).toBe(UPSTREAM_TRANSCRIPT);
    });
    expect(seen).toEqual([`Bearer ${COMPATIBLE_KEY}`]);
  });

  it('say: the speech request carries the key', async () => {
    const out = join(dir, 'say.wav');
    const seen = await authorizations('/audio/speech', async () => {
      const r = await run([
        'say',
        'Hello.',
        '--out',
        out,
        '--tts',
        `openai-compatible:url=${upstream.url}`,
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).audioMs).toBeGreaterThan(0);
    });
    expect(seen).toEqual([`Bearer ${COMPATIBLE_KEY}`]);
  });

  it('web: a turn on a lane created over its socket sends the key', async () => {
    const child = spawn(BIN, ['web'], { env: env() });
    children.push(child);
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /Dialtone web: (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(out);
        if (match) resolve(`${match[1]!.replace('http:', 'ws:')}/engine?token=${match[2]!}`);
      });
      child.on('exit', (code) => reject(new Error(`web exited ${code}: ${err}`)));
    });
    const client = await TestClient.open(address);
    try {
      await client.waitFor('hello');
      const seen = await authorizations('/chat/completions', async () => {
        client.send({ type: 'lane.create', laneId: 'k', spec: `cerebras:url=${upstream.url},model=m` });
        await client.waitFor('lane.state', (e) => e.lane.laneId === 'k');
        client.send({ type: 'chat.send', laneId: 'k', text: 'hi' });
        const done = await client.waitFor('llm.done', (e) => e.laneId === 'k', 20_000);
        expect(done.text).toBe(UPSTREAM_REPLY);
      });
      expect(seen).toEqual([`Bearer ${CEREBRAS_KEY}`]);
    } finally {
      client.close();
    }
  });
});

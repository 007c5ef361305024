/**
 * `bin/dialtone preflight` as a presenter runs it the day before (spawned): against a local fake
 * provider that answers, every check passes with a measured TTFT and the exit is 0; with a provider
 * that is down, a key that is missing and a speech model not downloaded, those checks fail by name
 * and the exit is 1. No key ever appears in what it prints.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../src/main/engine/sim/server';

const BIN = path.join(__dirname, '..', '..', 'bin', 'dialtone');
const ENV_KEY = 'sk-preflight-env-7f3a9c2e1b';
const SPEC_KEY = 'sk-preflight-spec-4d8e6a0c5f';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['preflight', ...args], {
      env: {
        ...process.env,
        DIALTONE_DATA_DIR: dataDir,
        DIALTONE_OFFLINE: '1',
        OPENAI_COMPATIBLE_API_KEY: ENV_KEY,
        CEREBRAS_API_KEY: '',
        ...env,
      },
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

interface Report {
  ok: boolean;
  checks: { check: string; status: string; detail: string; ms?: number }[];
}

let dataDir: string;
let provider: SimServer;
let closedPort: number;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dialtone-preflight-'));
  provider = await startSimServer();
  // A port nobody listens on: the provider is down.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  await provider.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('dialtone preflight', () => {
  it('passes when the provider answers, the speech needs no missing model and the voice speaks', async () => {
    const r = await run([
      '--lane',
      `openai-compatible:url=${provider.url},model=dialtone-sim`,
      '--lane',
      'sim:ttft=40',
      '--stt',
      'typed',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.ok).toBe(true);
    const byName = Object.fromEntries(report.checks.map((c) => [c.check, c]));
    expect(byName[`key · openai-compatible:url=${provider.url},model=dialtone-sim`]).toMatchObject({
      status: 'ok',
      detail: 'set (from OPENAI_COMPATIBLE_API_KEY)',
    });
    const reach = report.checks.filter((c) => c.check.startsWith('reach · '));
    expect(reach).toHaveLength(2);
    for (const c of reach) {
      expect(c.status).toBe('ok');
      expect(c.ms).toBeGreaterThan(0);
      expect(c.detail).toMatch(/measured TTFT \d+ ms/);
    }
    expect(byName['sim:ttft=40']).toBeUndefined();
    expect(byName['reach · sim:ttft=40']!.ms).toBeGreaterThanOrEqual(40);
    expect(byName['voice · espeak:voice=en-us']).toMatchObject({ status: 'ok' });
    expect(byName['disk']).toMatchObject({ status: 'ok' });
    expect(byName['microphone, output']).toMatchObject({
      status: 'info',
      detail: expect.stringMatching(/checked in the app/),
    });
    // The table goes to stderr with --json, one line per check.
    expect(r.stderr.trim().split('\n')).toHaveLength(report.checks.length);
    expect(r.stdout + r.stderr).not.toContain(ENV_KEY);
  }, 60_000);

  it('fails, naming each failed check, when a provider is down, a key is missing and a model is not downloaded', async () => {
    const down = `openai-compatible:url=http://127.0.0.1:${closedPort}/v1,key=${SPEC_KEY}`;
    const r = await run(['--lane', down, '--lane', 'cerebras']);
    expect(r.code).toBe(1);
    const table = r.stdout;
    expect(table).toMatch(
      /^FAIL reach · openai-compatible:url=http:\/\/127\.0\.0\.1:\d+\/v1,key=\S+ .*127\.0\.0\.1/m,
    );
    expect(table).toMatch(/^FAIL key · cerebras +missing: set CEREBRAS_API_KEY$/m);
    expect(table).toMatch(/^FAIL model · whisper-tiny\.en +not downloaded \(44 MB\)/m);
    expect(table).toMatch(/^ok {3}voice · espeak:voice=en-us/m);
    expect(r.stderr.trim()).toMatch(
      /^dialtone preflight: 4 checks failed: reach · openai-compatible.*, key · cerebras, reach · cerebras, model · whisper-tiny\.en$/,
    );
    expect(r.stdout + r.stderr).not.toContain(SPEC_KEY);
    expect(r.stdout + r.stderr).not.toContain(ENV_KEY);
  }, 60_000);

  it('checks a speech-in that runs elsewhere for its key, without printing one', async () => {
    const missing = await run(['--lane', 'sim', '--stt', 'groq', '--tts', 'none'], { GROQ_API_KEY: '' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^FAIL stt · groq +.*GROQ_API_KEY/m);
    const set = await run(['--lane', 'sim', '--stt', 'groq', '--tts', 'none'], { GROQ_API_KEY: ENV_KEY });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^ok {3}stt · groq +configured/m);
    expect(set.stdout + set.stderr).not.toContain(ENV_KEY);
  }, 60_000);
});

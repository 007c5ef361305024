/**
 * Planted keys and URL passwords never leave the engine or the CLI. Bugs pinned: a spec error quoted
 * the whole spec, `key=sk-…` included, on stderr and to every client; `url=http://user:pass@host/v1`
 * was accepted and broadcast in `lane.state` and in error text. Here a key sits in the environment,
 * another in a spec, a password in a URL; the CLI (chat failing, a spec error, converse --json,
 * record=) and the engine socket (every event, raw JSON, including a later client's hello) are
 * searched for them, with a provider that echoes the Authorization header in its error body.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { redact, rememberSecret } from '../../src/shared/redact';
import { TestClient } from '../helpers/engine-client';
import { startKeyLoggingUpstream, type KeyLoggingUpstream } from '../helpers/key-logging-upstream';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const ENV_KEY = 'csk-planted-env-secret-4411';
const SPEC_KEY = 'sk-planted-spec-secret-8822';
const URL_USER = 'planteduser';
const URL_PASSWORD = 'planted-url-password-3377';
const PLANTED = [ENV_KEY, SPEC_KEY, URL_USER, URL_PASSWORD];

const dir = mkdtempSync(join(tmpdir(), 'dialtone-secrets-'));
let upstream: KeyLoggingUpstream;

beforeAll(async () => {
  upstream = await startKeyLoggingUpstream();
});
afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectNoSecret(where: string, text: string): void {
  for (const secret of PLANTED)
    expect(text.includes(secret), `${where} holds "${secret}":\n${text}`).toBe(false);
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env, CEREBRAS_API_KEY: ENV_KEY } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const passwordUrl = (): string => `http://${URL_USER}:${URL_PASSWORD}@${upstream.url.replace('http://', '')}`;

describe('redact()', () => {
  it('masks what a secret looks like, and every key the process has read', () => {
    const cases: [string, string][] = [
      ['openai:key=sk-abc123,model=x', 'openai:key=***,model=x'],
      ['GET /v1?api_key=abc123&x=1', 'GET /v1?api_key=***&x=1'],
      ['url=https://bob:hunter2@host/v1', 'url=https://***@host/v1'],
      ['Authorization: Bearer sk-abc123 refused', 'Authorization: Bearer *** refused'],
      ['{"authorization":"Basic Ym9iOmh1bnRlcjI="}', '{"authorization":"Basic ***"}'],
      ['sent bearer abcdef123456', 'sent bearer ***'],
      // A bracket closes a key: the CLI's "[spec] text" lines keep theirs, masked twice or once.
      ['[openai:key=sk-abc123] hello', '[openai:key=***] hello'],
    ];
    for (const [text, masked] of cases) expect(redact(text)).toBe(masked);
    // Advice and placeholders are not keys.
    for (const advice of [
      'add key=… to the lane spec',
      '"x" is not key=value',
      'cerebras:key=***',
      '[x,key=***] hi',
    ]) {
      expect(redact(advice)).toBe(advice);
    }
    rememberSecret('gsk-remembered-9d1e');
    expect(redact('the provider said gsk-remembered-9d1e is wrong')).toBe('the provider said *** is wrong');
  });
});

// Each case spawns the CLI through tsx: seconds apiece on a busy 2-core machine.
describe('the CLI prints no secret', { timeout: 90_000 }, () => {
  it('a spec error masks key= and names the bad value', async () => {
    const r = await run([
      'chat',
      'hi',
      '--lane',
      `openai-compatible:url=${upstream.url},model=x,key=${SPEC_KEY},max=abc`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/max=abc must be a number/);
    expect(r.stderr).toContain('key=***');
    expectNoSecret('stderr', r.stderr + r.stdout);
  });

  it('a URL with a password is refused in one line that says where the key goes', async () => {
    const r = await run(['chat', 'hi', '--lane', `openai-compatible:url=${passwordUrl()},model=x`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/user name or password.*key=….*environment/);
    expectNoSecret('stderr', r.stderr + r.stdout);
  });

  it('a provider that echoes the key in its error: chat, converse --json and the recording stay clean', async () => {
    upstream.failChat = 500;
    try {
      const record = join(dir, 'run.json');
      const chat = await run([
        'chat',
        'hi',
        '--lane',
        `openai-compatible:url=${upstream.url},model=m,key=${SPEC_KEY},record=${record}`,
      ]);
      expect(chat.code).toBe(1);
      expect(chat.stderr).toMatch(/server error \(500\)/);
      expectNoSecret('chat output', chat.stderr + chat.stdout);
      const recording = readFileSync(record, 'utf8');
      expect(JSON.parse(recording).turns[0].outcome).toBe('error');
      expectNoSecret('recording', recording);

      const envKeyChat = await run(['chat', 'hi', '--lane', `cerebras:url=${upstream.url},model=m`]);
      expect(envKeyChat.code).toBe(1);
      expectNoSecret('chat output (key from the environment)', envKeyChat.stderr + envKeyChat.stdout);

      const spec = `openai-compatible:url=${upstream.url},model=m,key=${SPEC_KEY}`;
      const converse = await run([
        'converse',
        '--scenario',
        'goodbye',
        '--lane',
        spec,
        '--no-speech',
        '--json',
      ]);
      expect(converse.code, converse.stderr).toBe(1);
      const out = JSON.parse(converse.stdout.trim()) as { lanes: { stoppedBy: string; label: string }[] };
      expect(out.lanes[0]!.stoppedBy).toBe('error');
      expect(out.lanes[0]!.label).toContain('key=***');
      expectNoSecret('converse output', converse.stderr + converse.stdout);
    } finally {
      upstream.failChat = undefined;
    }
  });
});

describe('the engine socket carries no secret', () => {
  let engine: RunningEngine;
  const raw: string[] = [];
  let client: TestClient;

  beforeAll(async () => {
    engine = await startEngine({ env: { CEREBRAS_API_KEY: ENV_KEY } });
    client = await TestClient.open(`${engine.wsUrl}?token=${engine.token}`);
    client.ws.on('message', (data, isBinary) => {
      if (!isBinary) raw.push(data.toString());
    });
    await client.waitFor('hello');
  });
  afterAll(async () => {
    client.close();
    await engine.close();
  });

  it('in every event: spec errors, refused URLs, echoed keys, labels, a race and a later hello', async () => {
    const withKey = `openai-compatible:url=${upstream.url},model=m,key=${SPEC_KEY}`;
    client.send({ type: 'lane.create', laneId: 'bad', spec: `${withKey},max=abc` });
    await client.waitFor('error', (e) => e.laneId === 'bad');
    client.send({
      type: 'lane.create',
      laneId: 'pw',
      spec: `openai-compatible:url=${passwordUrl()},model=m`,
    });
    const refused = await client.waitFor('error', (e) => e.laneId === 'pw');
    expect(refused.message).toMatch(/user name or password/);

    upstream.failChat = 500;
    try {
      // The key in the label too, as a careless client would put it.
      client.send({ type: 'lane.create', laneId: 'spec', spec: withKey, label: `mine key=${SPEC_KEY}` });
      client.send({ type: 'lane.create', laneId: 'env', spec: `cerebras:url=${upstream.url},model=m` });
      await client.waitFor('lane.state', (e) => e.lane.laneId === 'env');
      client.send({ type: 'lane.configure', laneId: 'spec', spec: `${withKey},temperature=9` });
      await client.waitFor('error', (e) => e.laneId === 'spec');
      for (const laneId of ['spec', 'env']) {
        client.send({ type: 'chat.send', laneId, text: 'hi' });
        const failed = await client.waitFor('error', (e) => e.laneId === laneId && e.stage === 'llm');

        expect(failed.message).toMatch(/server error \(500\)/);
      }
      client.send({
        type: 'scenario.start',
        scenario: 'goodbye',
        lanes: [{ laneId: 'race', spec: withKey }],
        speech: false,
      });
      await client.waitFor('scenario.finished', (e) => e.laneId === 'race', 20_000);
    } finally {
      upstream.failChat = undefined;
    }
    const late = await TestClient.open(`${engine.wsUrl}?token=${engine.token}`);
    const lateRaw: string[] = [];
    late.ws.on('message', (data, isBinary) => {
      if (!isBinary) lateRaw.push(data.toString());
    });
    await late.waitFor('hello');
    late.close();

    expect(raw.length).toBeGreaterThan(10);
    expectNoSecret('socket events', raw.join('\n'));
    expectNoSecret('a later hello', lateRaw.join('\n'));
    // The upstream did get the keys: they were masked on the way out, not lost on the way in.
    const sent = upstream.requests.map((r) => r.authorization);
    expect(sent).toContain(`Bearer ${SPEC_KEY}`);
    expect(sent).toContain(`Bearer ${ENV_KEY}`);
  }, 60_000);
});

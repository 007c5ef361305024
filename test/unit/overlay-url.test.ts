/**
 * The overlay URL set up once. Bugs pinned: every launch took a random port and a fresh token, so
 * the /overlay URL in OBS went stale on each restart ("Connecting to the engine…" forever); and the
 * only token there was opened full control, so a URL pasted into a streaming tool could create,
 * drive and remove lanes. Here, with the real engine on real sockets: the viewer token follows the
 * lanes but every control message from it is refused; the token file is 0600 and reused, so a
 * restart on the same port gives the same URL; a taken port falls back to the next free one; and
 * `bin/dialtone web` prints the overlay line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_PORT, startEngine, type RunningEngine } from '../../src/main/engine';
import { configDir, loadViewerToken, VIEWER_TOKEN_FILE } from '../../src/main/engine/viewer-token';
import { AUDIO_IN, encodeAudioFrame } from '../../src/shared/audio-frames';
import { TestClient } from '../helpers/engine-client';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-overlay-url-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on right now (the OS picks it, then it is let go). */
async function freePort(): Promise<number> {
  const server = await occupy(0);
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const viewerWsUrl = (engine: RunningEngine): string => {
  const token = new URL(engine.overlayUrl).searchParams.get('token')!;
  return `${engine.wsUrl}?token=${encodeURIComponent(token)}`;
};

describe('the viewer token', () => {
  it('receives every event of the lanes but every control message from it is refused', async () => {
    const engine = await startEngine();
    const control = await TestClient.connect(engine);
    const viewer = await TestClient.open(viewerWsUrl(engine));
    try {
      const viewerHello = await viewer.waitFor('hello');
      // Only a control client learns the overlay address (it carries the viewer token).
      expect(viewerHello.overlayUrl).toBeUndefined();
      expect((await control.waitFor('hello')).overlayUrl).toBe(engine.overlayUrl);
      expect(engine.overlayUrl).toBe(`${engine.httpUrl}/overlay?token=${engine.viewerToken}`);

      const refused = [
        { type: 'lane.create', laneId: 'v', spec: 'sim:tps=5000,ttft=10' },
        { type: 'chat.send', laneId: 'a', text: 'from the viewer' },
        { type: 'lane.remove', laneId: 'a' },
        { type: 'scenario.start', scenario: 'goodbye', lanes: [{ spec: 'sim:tps=5000' }] },
      ] as const;
      control.send({ type: 'lane.create', laneId: 'a', spec: 'sim:tps=5000,ttft=10,max=8' });
      await viewer.waitFor('lane.state', (e) => e.lane.laneId === 'a');
      for (const message of refused) viewer.send(message);
      viewer.ws.send(
        encodeAudioFrame({
          kind: AUDIO_IN,
          laneId: 'a',
          seq: 0,
          turn: 0,
          atMs: 0,
          sampleRate: 16_000,
          samples: new Int16Array(160),
        }),
      );
      // Reads still answer.
      viewer.send({ type: 'ping', id: 7, clientAtMs: 1 });
      viewer.send({ type: 'scenario.list' });
      await viewer.waitFor('pong', (e) => e.id === 7);
      await viewer.waitFor('scenario.list');

      const errors = viewer.of('error');
      expect(errors.map((e) => e.code)).toEqual([
        'read_only',
        'read_only',
        'read_only',
        'read_only',
        'read_only',
      ]);
      expect(errors[0]!.message).toContain('lane.create refused');
      // Nothing the viewer sent happened: the control client still sees lane a and only a.
      control.send({ type: 'chat.send', laneId: 'a', text: 'hello from the control client' });
      const metrics = await viewer.waitFor('turn.metrics', (e) => e.laneId === 'a');
      expect(engine.engine.laneIds()).toEqual(['a']);
      expect(control.of('lane.removed')).toEqual([]);
      expect(control.of('turn.started').map((e) => e.userText)).toEqual(['hello from the control client']);
      // The viewer followed the control client's turn: started, tokens, its timeline.
      expect(viewer.of('turn.started').map((e) => e.turnId)).toEqual([metrics.turnId]);
      expect(viewer.of('llm.token').length).toBeGreaterThan(0);
      expect(control.of('error')).toEqual([]);
    } finally {
      viewer.ws.close();
      control.ws.close();
      await engine.close();
    }
  });

  it('a wrong token is refused at the door; the control token still controls', async () => {
    const engine = await startEngine();
    try {
      await expect(TestClient.open(`${engine.wsUrl}?token=${engine.viewerToken}x`)).rejects.toThrow(
        'HTTP 401',
      );
      const control = await TestClient.connect(engine);
      control.send({ type: 'lane.create', laneId: 'c', spec: 'sim:tps=5000' });
      await control.waitFor('lane.state', (e) => e.lane.laneId === 'c');
      expect(control.of('error')).toEqual([]);
      control.ws.close();
    } finally {
      await engine.close();
    }
  });
});

describe('the token file and the port', () => {
  it('is created 0600 in DIALTONE_CONFIG_DIR and reused: a restart on the same port gives the same URL', async () => {
    const dir = join(tempDir(), 'config');
    const env = { DIALTONE_CONFIG_DIR: dir };
    expect(configDir(env)).toBe(dir);
    const port = await freePort();

    const first = await startEngine({ port, portFallback: true, viewerToken: loadViewerToken(env) });
    const firstUrl = first.overlayUrl;
    const firstControl = first.token;
    await first.close();
    const file = join(dir, VIEWER_TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.viewerToken);

    const second = await startEngine({ port, portFallback: true, viewerToken: loadViewerToken(env) });
    try {
      expect(second.port).toBe(port);
      expect(second.overlayUrl).toBe(firstUrl);
      // The control token stays per launch.
      expect(second.token).not.toBe(firstControl);
      // The old URL opens the new engine, read-only.
      const viewer = await TestClient.open(viewerWsUrl(second));
      await viewer.waitFor('hello');
      viewer.send({ type: 'lane.create', spec: 'sim:tps=100' });
      expect((await viewer.waitFor('error')).code).toBe('read_only');
      viewer.ws.close();
    } finally {
      await second.close();
    }
  });

  it('a token file with looser permissions is tightened to 0600; a garbled one is replaced', () => {
    const dir = tempDir();
    const file = join(dir, VIEWER_TOKEN_FILE);
    const kept = 'k'.repeat(32);
    writeFileSync(file, `${kept}\n`, { mode: 0o644 });
    expect(loadViewerToken({ DIALTONE_CONFIG_DIR: dir })).toBe(kept);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'not a token\n');
    const fresh = loadViewerToken({ DIALTONE_CONFIG_DIR: dir });
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(loadViewerToken({ DIALTONE_CONFIG_DIR: dir })).toBe(fresh);
  });

  it('a taken port falls back to the next free one (and says which was asked); without fallback it fails', async () => {
    const port = await freePort();
    const squatter = await occupy(port);
    try {
      await expect(startEngine({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const engine = await startEngine({ port, portFallback: true });
      try {
        expect(engine.port).toBeGreaterThan(port);
        expect(engine.port).toBeLessThanOrEqual(port + 20);
        expect(engine.portTakenFallback).toBe(port);
        expect(engine.overlayUrl.startsWith(`http://127.0.0.1:${engine.port}/overlay?token=`)).toBe(true);
      } finally {
        await engine.close();
      }
    } finally {
      await new Promise<void>((done) => squatter.close(() => done()));
    }
  });

  it('startEngine() without a port still takes a random one (tests and the bench run in parallel)', async () => {
    const a = await startEngine();
    const b = await startEngine();
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.portTakenFallback).toBeNull();
    } finally {
      await a.close();
      await b.close();
    }
  });
});

/** Runs `bin/dialtone web` until it prints the overlay line; returns stdout and stderr so far. */
async function webRun(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(BIN, ['web', ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/Dialtone overlay: \S+\n/.test(stdout)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`web exited ${code}: ${stderr}`)));
    });
    const overlay = /Dialtone overlay: (\S+)/.exec(stdout)![1]!;
    const page = await fetch(overlay);
    expect(page.status).toBe(200);
    return { stdout, stderr };
  } finally {
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  }
}

describe('bin/dialtone web', { timeout: 120_000 }, () => {
  it('prints "Dialtone overlay: <URL>" with the token from the config folder, the same on the next run', async () => {
    const dir = tempDir();
    const port = await freePort();
    const env = { ...process.env, DIALTONE_CONFIG_DIR: dir };
    const first = await webRun(env, ['--port', String(port)]);
    const token = readFileSync(join(dir, VIEWER_TOKEN_FILE), 'utf8').trim();
    expect(first.stdout).toContain(`Dialtone overlay: http://127.0.0.1:${port}/overlay?token=${token}\n`);
    const second = await webRun(env, ['--port', String(port)]);
    expect(/Dialtone overlay: .*/.exec(second.stdout)![0]).toBe(
      /Dialtone overlay: .*/.exec(first.stdout)![0],
    );
    // The web address's control token is per launch.
    expect(/Dialtone web: .*/.exec(second.stdout)![0]).not.toBe(/Dialtone web: .*/.exec(first.stdout)![0]);

    // Without --port: the fixed default (or, when another run holds it, the next free port, said on stderr).
    const byDefault = await webRun(env);
    const port2 = Number(
      /Dialtone overlay: http:\/\/127\.0\.0\.1:(\d+)\/overlay\?token=/.exec(byDefault.stdout)![1],
    );
    expect(byDefault.stdout).toContain(
      `Dialtone overlay: http://127.0.0.1:${port2}/overlay?token=${token}\n`,
    );
    expect(port2).toBeGreaterThanOrEqual(DEFAULT_ENGINE_PORT);
    expect(port2).toBeLessThanOrEqual(DEFAULT_ENGINE_PORT + 20);
    if (port2 !== DEFAULT_ENGINE_PORT)
      expect(byDefault.stderr).toContain(`Port ${DEFAULT_ENGINE_PORT} is in use`);
  });
});

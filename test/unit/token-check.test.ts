/**
 * A stale overlay address says so. The bug pinned: a browser reports a refused socket upgrade (401)
 * only as close code 1006, the same as an engine that is not running, so a /overlay page opened with
 * a token from an earlier launch showed "Connecting to the engine…" forever and the footer said only
 * "socket closed (code 1006)". Now the engine answers `GET /token-check` (204 for its control or
 * viewer token, 401 otherwise, never a body or the token), and the page's client asks it after a
 * failed connection: a refused token reads "This address is out of date …" and is retried slowly;
 * no answer at all reads "The engine is not running at 127.0.0.1:PORT". Real engine, real HTTP and
 * sockets on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { EngineClient, tokenCheckUrl, type ConnectionInfo } from '../../src/renderer/src/engine-client';
import { TOKEN_CHECK_PATH } from '../../src/shared/socket-close';

let engine: RunningEngine;
let configDir: string;

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'dialtone-token-check-'));
  engine = await startEngine({ env: { DIALTONE_CONFIG_DIR: configDir } });
});

afterAll(async () => {
  await engine?.close();
  rmSync(configDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
  headers: string;
}

async function ask(query: string, method = 'GET'): Promise<Answer> {
  const res = await fetch(`${engine.httpUrl}${TOKEN_CHECK_PATH}${query}`, { method });
  const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  return { status: res.status, body: await res.text(), headers };
}

describe('GET /token-check', () => {
  it('answers 204 for the control and the viewer token, 401 for anything else, with no body and never the token', async () => {
    const q = (token: string): string => `?token=${encodeURIComponent(token)}`;
    const answers = {
      control: await ask(q(engine.token)),
      viewer: await ask(q(engine.viewerToken)),
      wrong: await ask(q('an-old-token-from-an-earlier-launch-xxxxxxxx')),
      prefix: await ask(q(engine.viewerToken.slice(0, -1))),
      longer: await ask(q(`${engine.token}x`)),
      empty: await ask('?token='),
      missing: await ask(''),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status]))).toEqual({
      control: 204,
      viewer: 204,
      wrong: 401,
      prefix: 401,
      longer: 401,
      empty: 401,
      missing: 401,
    });
    for (const answer of Object.values(answers)) {
      expect(answer.body).toBe('');
      expect(answer.headers).not.toContain(engine.token);
      expect(answer.headers).not.toContain(engine.viewerToken);
      expect(answer.headers).toContain('cache-control: no-store');
    }
    // Not the app shell (which every other extension-less path gets).
    expect((await ask(q(engine.token), 'POST')).status).toBe(405);
  });

  it('the page client says an out-of-date address in words and retries slowly; a stopped engine reads "not running at 127.0.0.1:PORT"', async () => {
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    const other = await startEngine({ env: { DIALTONE_CONFIG_DIR: configDir } });
    const infos: ConnectionInfo[] = [];
    const conn = { wsUrl: other.wsUrl, token: 'a-viewer-token-from-before-the-restart-xxxxx' };
    expect(tokenCheckUrl(conn)).toBe(`${other.httpUrl}${TOKEN_CHECK_PATH}?token=${conn.token}`);
    const client = new EngineClient(
      {
        onEvent: () => {},
        onConnection: (info) => infos.push(info),
        onClock: () => {},
        onInvalid: () => {},
      },
      {
        connection: () => Promise.resolve(conn),
        createSocket: (url) => new WebSocket(url) as unknown as globalThis.WebSocket,
        page: 'overlay',
        refusedRetryMs: 300,
      },
    );
    try {
      client.start();
      await vi.waitFor(() => expect(infos.some((i) => i.problem === 'token_refused')).toBe(true));
      const refused = infos.find((i) => i.problem === 'token_refused')!;
      expect(refused).toMatchObject({ status: 'reconnecting', retryInMs: 300 });
      expect(refused.reason).toBe(
        'This address is out of date (the engine restarted with a new token): copy the overlay address from the app again',
      );
      expect(infos.map((i) => i.reason ?? '').join('\n')).not.toContain('1006');
      // It keeps trying (the engine may come back with this token), and keeps saying why.
      await vi.waitFor(() =>
        expect(infos.filter((i) => i.problem === 'token_refused').length).toBeGreaterThanOrEqual(2),
      );

      await other.close();
      await vi.waitFor(() => expect(infos.at(-1)?.problem).toBe('engine_unreachable'), {
        timeout: 10_000,
      });
      expect(infos.at(-1)?.reason).toBe(`The engine is not running at 127.0.0.1:${other.port}`);
    } finally {
      client.stop();
      await other.close();
    }
  });
});

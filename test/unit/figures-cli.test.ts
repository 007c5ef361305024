/**
 * `dialtone chat` figures. Catches: five 9-token replies on a 2,000 tok/s lane reading 1,472–4,419
 * tok/s; a first request of a fresh process reading TTFT 324 ms on `ttft=150` (the HTTP stack loading
 * on it); a rate printed for a reply too short to measure on a provider that reports no timing.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An OpenAI-compatible server that streams three tokens and reports no timing. */
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      // Three tokens 3 ms apart: 2 gaps over 6 ms "measure" 333 tok/s, a figure nobody should trust.
      const parts = [
        chunk({ role: 'assistant', content: 'One ' }, null),
        chunk({ content: 'two ' }, null),
        chunk({ content: 'three.' }, null) + chunk({}, 'stop') + 'data: [DONE]\n\n',
      ];
      const send = (i: number): void => {
        if (i === parts.length - 1) res.end(parts[i]);
        else {
          res.write(parts[i]);
          setTimeout(() => send(i + 1), 3);
        }
      };
      send(0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('dialtone chat figures', () => {
  it('five 9-token replies on sim:tps=2000 read at most 2,400 tok/s, and the best TTFT is near 150', async () => {
    const rates: (number | null)[] = [];
    const ttfts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { code, stdout } = await run([
        'chat',
        'hi',
        '--json',
        '--lane',
        'sim:tps=2000,ttft=150,tokens=9',
      ]);
      expect(code).toBe(0);
      const out = JSON.parse(stdout) as { tokens: number; tokensPerSecond: number | null; ttftMs: number };
      expect(out.tokens).toBe(9);
      rates.push(out.tokensPerSecond);
      ttfts.push(out.ttftMs);
    }
    for (const r of rates) if (r !== null) expect(r, `rates ${rates.join(', ')}`).toBeLessThanOrEqual(2400);
    // Without the warm-up every run read 280–330 ms. One request per process leaves a few ms of cold
    // code on any single run, and other processes share the cores: the best of five, within 25 %.
    expect(Math.min(...ttfts), `TTFTs ${ttfts.join(', ')}`).toBeLessThanOrEqual(150 * 1.25);
  }, 60_000);

  it('prints "–" for the rate of a 3-token reply from a provider that reports no timing', async () => {
    const { code, stderr, stdout } = await run([
      'chat',
      'hi',
      '--lane',
      `openai-compatible:url=${url},model=m`,
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('One two three.');
    expect(stderr + stdout).toMatch(/3 tokens · – tok\/s/);
  });
});

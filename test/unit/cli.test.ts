import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = join(__dirname, '..', '..', 'bin', 'dialtone');
const running: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGTERM');
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env, CEREBRAS_API_KEY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running command and resolves with the first stdout line matching `pattern`. */
function startUntil(
  args: string[],
  pattern: RegExp,
): Promise<{ child: ChildProcessWithoutNullStreams; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args);
    running.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.match(pattern);
      if (match) resolve({ child, match });
    });
    child.on('close', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

describe('bin/dialtone', () => {
  it('chat --json prints exactly one JSON object with the contract fields', async () => {
    const { code, stdout } = await run([
      'chat',
      'How are trains doing today?',
      '--lane',
      'sim:tps=5000,ttft=50',
      '--json',
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(out).toMatchObject({
      text: expect.any(String),
      tokens: expect.any(Number),
      totalMs: expect.any(Number),
    });
    expect(out.ttftMs).toBeGreaterThanOrEqual(45);
    expect(out.tokensPerSecond).toBeGreaterThan(1000);
    expect(out.text.length).toBeGreaterThan(20);
  });

  it('bad input is one line on stderr and a non-zero exit, never a stack trace', async () => {
    for (const args of [
      ['chat', 'hi', '--lane', 'warp:speed=9'],
      ['chat', 'hi', '--lane', 'cerebras'],
      ['chat'],
      ['sim', '--tps', 'fast'],
      ['frobnicate'],
    ]) {
      const { code, stderr } = await run(args);
      expect(code, args.join(' ')).not.toBe(0);
      expect(stderr, args.join(' ')).not.toMatch(/\n\s+at /);
      expect(stderr.split('\n')[0]!.length, args.join(' ')).toBeGreaterThan(10);
    }
    const { stderr } = await run(['chat', 'hi', '--lane', 'cerebras']);
    expect(stderr).toContain('CEREBRAS_API_KEY');
  });

  it('chat reports a provider failure as one line', async () => {
    const { code, stderr } = await run(['chat', 'hi', '--lane', 'sim:fault=401']);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('sim serves any OpenAI client on the printed base URL, with the flags as defaults', async () => {
    const { match } = await startUntil(
      ['sim', '--port', '0', '--tps', '3000', '--ttft', '80'],
      /listening (\S+)\n/,
    );
    const client = new OpenAI({ baseURL: match[1], apiKey: 'anything', maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const started = performance.now();
    let first = 0;
    let text = '';
    const stream = await client.chat.completions.create({
      model: models.data[0]!.id,
      messages: [{ role: 'user', content: 'Tell me about coffee.' }],
      stream: true,
    });
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta?.content ?? '';
      if (piece && !first) first = performance.now();
      text += piece;
    }
    expect(text.length).toBeGreaterThan(20);
    expect(first - started).toBeGreaterThanOrEqual(75);
  });
});

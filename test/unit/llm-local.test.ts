/**
 * The LLM client against a tiny scripted HTTP server on 127.0.0.1, for what the simulated backend does
 * not produce: Groq's x_groq timing, reasoning_content, streams that end without [DONE], HTTP errors
 * with provider messages, keep-alive comments, a closed port.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseLaneSpec } from '../../src/shared/lane-spec';
import { systemClock } from '../../src/main/engine/clock';
import { createLlmProvider } from '../../src/main/engine/providers/llm';
import { LlmError } from '../../src/main/engine/providers/llm/errors';
import type { LlmEvent, LlmResult } from '../../src/main/engine/providers/llm/types';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base = '';
let handler: Handler = (_req, res) => res.end();
let seen: { headers: IncomingMessage['headers']; body: Record<string, unknown> } | null = null;
const pending = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      seen = { headers: req.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
      handler(req, res, raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(() => {
  for (const t of pending) clearTimeout(t);
  pending.clear();
  seen = null;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function later(ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    pending.delete(t);
    fn();
  }, ms);
  pending.add(t);
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

function chunk(delta: Record<string, unknown>, finish: string | null = null, extra = {}): string {
  const c = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', ...extra };
  return `data: ${JSON.stringify({ ...c, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

function tail(extra: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], ...extra })}\n\n`;
}

/** Writes the SSE script with a small gap between pieces, so arrival times differ. */
function script(pieces: string[], end: 'done' | 'end' | 'destroy' | 'hang' = 'done', gapMs = 5): Handler {
  return (_req, res) => {
    sseHead(res);
    res.flushHeaders();
    let i = 0;
    const next = (): void => {
      if (i < pieces.length) {
        res.write(pieces[i++]);
        later(gapMs, next);
        return;
      }
      if (end === 'done') res.end('data: [DONE]\n\n');
      else if (end === 'end') res.end();
      else if (end === 'destroy') res.socket?.destroy();
    };
    next();
  };
}

function jsonError(status: number, message: string, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
  };
}

function provider(spec: string, opts: { env?: Record<string, string>; stallTimeoutMs?: number } = {}) {
  return createLlmProvider(parseLaneSpec(spec.replace('$URL', base)), {
    clock: systemClock,
    ...opts,
    env: opts.env ?? {},
  });
}

async function run(
  spec: string,
  opts: { env?: Record<string, string>; stallTimeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ result: LlmResult; events: LlmEvent[] }> {
  const events: LlmEvent[] = [];
  const result = await provider(spec, opts).stream({
    messages: [{ role: 'user', content: 'hello' }],
    signal: opts.signal ?? new AbortController().signal,
    onEvent: (e) => events.push(e),
  });
  return { result, events };
}

async function failure(spec: string, opts: { env?: Record<string, string>; stallTimeoutMs?: number } = {}) {
  const err = await run(spec, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

const LOCAL = 'openai-compatible:url=$URL,model=m';

describe('LLM client against a scripted server', () => {
  it('sends a streamed request with usage, max_tokens and temperature, and no key when it has none', async () => {
    handler = script([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hi' }),
      chunk({}, 'stop'),
    ]);
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-process-env-secret'; // the SDK would pick this up by default
    try {
      const { result } = await run(`${LOCAL},max=64,temperature=0.5`);
      expect(result.text).toBe('Hi');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
    expect(seen?.body).toMatchObject({
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 64,
      temperature: 0.5,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(seen?.headers.authorization).toBeUndefined();
    expect(seen?.headers['openai-organization']).toBeUndefined();
  });

  it('sends the key as a bearer token, and max_completion_tokens to OpenAI', async () => {
    handler = script([chunk({ content: 'ok' }, 'stop')]);
    await run('openai:url=$URL,max=10', { env: { OPENAI_API_KEY: 'sk-test-123456' } });
    expect(seen?.headers.authorization).toBe('Bearer sk-test-123456');
    expect(seen?.body).toMatchObject({ model: 'gpt-4o-mini', max_completion_tokens: 10 });
    expect(seen?.body).not.toHaveProperty('max_tokens');
  });

  it('keeps Groq x_groq timing and its token count', async () => {
    handler = script([
      chunk({ role: 'assistant', content: '' }, null, { x_groq: { id: 'req_1' } }),
      chunk({ content: 'One' }),
      chunk({ content: ' two' }),
      chunk({ content: ' three' }),
      chunk({}, 'stop', {
        x_groq: {
          id: 'req_1',
          usage: {
            queue_time: 0.012,
            prompt_tokens: 9,
            prompt_time: 0.0031,
            completion_tokens: 7,
            completion_time: 0.021,
            total_tokens: 16,
            total_time: 0.0241,
          },
        },
      }),
    ]);
    const { result, events } = await run('groq:url=$URL', { env: { GROQ_API_KEY: 'gsk_test_key' } });
    expect(result.text).toBe('One two three');
    expect(events.map((e) => e.kind)).toEqual(['token', 'token', 'token']);
    expect(result.finishReason).toBe('stop');
    expect(result.metrics.providerTiming).toEqual({
      source: 'x_groq',
      queueMs: 12,
      promptMs: 3.1,
      completionMs: 21,
      totalMs: 24.1,
    });
    expect(result.metrics.tokens).toBe(7);
    expect(result.metrics.tokenCountSource).toBe('usage');
  });

  it('reads reasoning from reasoning_content and delta.reasoning, before the answer', async () => {
    handler = script([
      chunk({ role: 'assistant', reasoning_content: 'Let me' }),
      chunk({ reasoning: ' think.' }),
      chunk({ content: 'Yes' }),
      chunk({ content: '.' }, 'stop'),
      tail({
        usage: {
          prompt_tokens: 3,
          completion_tokens: 10,
          total_tokens: 13,
          completion_tokens_details: { reasoning_tokens: 6 },
        },
      }),
    ]);
    const { result, events } = await run(LOCAL);
    expect(events.map((e) => e.kind)).toEqual(['reasoning', 'reasoning', 'token', 'token']);
    expect(result.reasoningText).toBe('Let me think.');
    expect(result.text).toBe('Yes.');
    const m = result.metrics;
    expect(m.reasoningTokens).toBe(6);
    expect(m.tokens).toBe(4); // completion_tokens minus reasoning_tokens
    expect(m.firstTokenAtMs).toBe(events[0]!.atMs);
    expect(m.firstAnswerTokenAtMs).toBe(events[2]!.atMs);
    expect(m.lastTokenAtMs).toBe(events[3]!.atMs);
    expect(m.ttftMs).toBeCloseTo(m.firstTokenAtMs! - m.requestAtMs, 6);
    expect(m.genMs).toBeCloseTo(m.lastTokenAtMs! - m.firstTokenAtMs!, 6);
    // 10 tokens over a few ms, and no provider timing: too short to give a rate (MIN_RATE_TOKENS).
    expect(m.tokensPerSecond).toBeNull();
  });

  it('counts content chunks when the provider sends no usage', async () => {
    handler = script([chunk({ content: 'a' }), chunk({ content: 'b' }), chunk({ content: 'c' }, 'length')]);
    const { result } = await run(LOCAL);
    expect(result.metrics).toMatchObject({ tokens: 3, reasoningTokens: 0, tokenCountSource: 'chunks' });
    expect(result.finishReason).toBe('length');
    expect(result.metrics.providerTiming).toBeUndefined();
  });

  it('a stream that ends without a finish_reason or [DONE] is stream_cut', async () => {
    handler = script([chunk({ content: 'half' }), chunk({ content: ' a' })], 'end');
    const err = await failure(LOCAL);
    expect(err.code).toBe('stream_cut');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('OpenAI-compatible');
  });

  it('a connection dropped mid-stream is stream_cut', async () => {
    handler = script([chunk({ content: 'half' })], 'destroy');
    expect((await failure(LOCAL)).code).toBe('stream_cut');
  });

  it('a connection dropped after the finish_reason still delivers the whole reply', async () => {
    handler = script([chunk({ content: 'All' }), chunk({ content: ' here' }, 'stop')], 'destroy');
    const { result } = await run(LOCAL);
    expect(result).toMatchObject({ text: 'All here', aborted: false, finishReason: 'stop' });
    expect(result.metrics.tokenCountSource).toBe('chunks');
  });

  it('a closed port is a network error naming the address', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const err = await failure(`ollama:url=http://127.0.0.1:${port}/v1`);
    expect(err.code).toBe('network');
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(
      `Could not reach Ollama at http://127.0.0.1:${port}/v1 (connection refused) — is the server running?`,
    );
  });

  it('401 is auth, names the variable to check and never repeats the key', async () => {
    const key = 'csk-very-secret-value-42';
    handler = jsonError(401, `Invalid API key ${key}`);
    const err = await failure('cerebras:url=$URL', { env: { CEREBRAS_API_KEY: key } });
    expect(err.code).toBe('auth');
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(401);
    expect(err.message).toBe('Cerebras rejected the API key (401). Check CEREBRAS_API_KEY.');
    handler = jsonError(403, `Key ${key} may not use this model`);
    const denied = await failure(`cerebras:url=$URL,key=${key}`);
    expect(denied.code).toBe('auth');
    expect(denied.message).toContain('(403)');
    expect(denied.message).toContain('key= in the lane spec');
    expect(denied.message).not.toContain(key);
  });

  it('429 is rate_limited with retry-after-ms, or retry-after in seconds', async () => {
    handler = jsonError(429, 'Slow down', { 'retry-after-ms': '1500', 'retry-after': '2' });
    let err = await failure(LOCAL);
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 1500 });
    handler = jsonError(429, 'Slow down', { 'retry-after': '7' });
    err = await failure(LOCAL);
    expect(err.retryAfterMs).toBe(7000);
    expect(err.message).toContain('Try again in 7 s');
  });

  // Pins "… try again in 3s.. Try again in 3 s." and "(403): Not for you.." — a provider's full stop
  // and ours doubled, the wait said twice.
  it('a provider message ending in a full stop or naming the wait is not doubled', async () => {
    handler = jsonError(429, 'Rate limit reached. Please try again in 3s.', { 'retry-after': '3' });
    let err = await failure(LOCAL);
    expect(err.message).toBe(
      'OpenAI-compatible is rate limiting requests (429): Rate limit reached. Please try again in 3s.',
    );
    expect(err.retryAfterMs).toBe(3000);
    handler = jsonError(429, 'Too many tokens per minute.', { 'retry-after': '2' });
    err = await failure(LOCAL);
    expect(err.message).toBe(
      'OpenAI-compatible is rate limiting requests (429): Too many tokens per minute. Try again in 2 s.',
    );
    handler = jsonError(403, 'Not for you.');
    err = await failure(LOCAL);
    expect(err.message).toMatch(/^OpenAI-compatible refused the request \(403\): Not for you\. [^.]/);
  });

  it('400/404/422 are bad_request with the provider message; 5xx is server', async () => {
    for (const status of [400, 404, 422]) {
      handler = jsonError(status, 'The model `nope` does not exist');
      const err = await failure(LOCAL);
      expect(err).toMatchObject({ code: 'bad_request', retryable: false, status });
      expect(err.message).toBe(
        `OpenAI-compatible rejected the request (${status}): The model \`nope\` does not exist`,
      );
    }
    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body>Service Unavailable</body></html>');
    };
    const err = await failure(LOCAL);
    expect(err).toMatchObject({ code: 'server', retryable: true, status: 503 });
    expect(err.message).toBe('OpenAI-compatible had a server error (503)');
  });

  it('an error object inside the stream is a server error with its message', async () => {
    handler = script([
      chunk({ content: 'a' }),
      `data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n`,
    ]);
    const err = await failure(LOCAL);
    expect(err.code).toBe('server');
    expect(err.message).toContain('overloaded');
  });

  it('a chunk that is not JSON is malformed, and so is a 200 that is not an event stream', async () => {
    handler = script([chunk({ content: 'a' }), 'data: {"choices": [\n\n']);
    expect((await failure(LOCAL)).code).toBe('malformed');
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'not streamed' } }] }));
    };
    const err = await failure(LOCAL);
    expect(err.code).toBe('malformed');
    expect(err.message).toContain('application/json');
  });

  it('no bytes for stallTimeoutMs is stalled; keep-alive comments are not a stall', async () => {
    handler = script([chunk({ content: 'a' })], 'hang');
    const t0 = performance.now();
    const err = await failure(LOCAL, { stallTimeoutMs: 200 });
    expect(err.code).toBe('stalled');
    expect(err.retryable).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect(performance.now() - t0).toBeLessThan(2000);

    const comments = Array.from({ length: 8 }, () => ': keep-alive\n\n');
    handler = script([...comments, chunk({ content: 'late' }, 'stop')], 'done', 60);
    const { result } = await run(LOCAL, { stallTimeoutMs: 200 });
    expect(result.text).toBe('late');
  });

  it('a silent server before the response headers is stalled too', async () => {
    handler = () => undefined; // never answers
    expect((await failure(LOCAL, { stallTimeoutMs: 150 })).code).toBe('stalled');
  });

  it('abort while waiting for the response returns at once, quietly', async () => {
    handler = () => undefined;
    const ac = new AbortController();
    later(50, () => ac.abort());
    const t0 = performance.now();
    const { result, events } = await run(LOCAL, { signal: ac.signal });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(result.aborted).toBe(true);
    expect(result.text).toBe('');
    expect(events).toEqual([]);
    expect(result.metrics.firstTokenAtMs).toBeNull();
    expect(result.metrics.tokensPerSecond).toBeNull();
  });

  it('an already aborted signal sends nothing', async () => {
    const { result } = await run(LOCAL, { signal: AbortSignal.abort() });
    expect(result.aborted).toBe(true);
    expect(seen).toBeNull();
  });

  it('an exception from onEvent reaches the caller untouched (a bug, not a provider failure)', async () => {
    handler = script([chunk({ content: 'a' }, 'stop')]);
    const boom = new Error('listener bug');
    const err = await provider(LOCAL)
      .stream({
        messages: [{ role: 'user', content: 'x' }],
        signal: new AbortController().signal,
        onEvent: () => {
          throw boom;
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBe(boom);
  });
});

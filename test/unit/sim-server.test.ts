/**
 * The simulated backend over real HTTP on 127.0.0.1: the official `openai` client against it, the
 * wire format, bad requests and injected faults — and that the server keeps serving after each.
 */
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSimControl, SIM_CONTROL_HEADER, type SimControl } from '../../src/main/engine/sim/control';
import { startSimServer, type SimServer } from '../../src/main/engine/sim/server';
import type { TimeInfo } from '../../src/main/engine/sim/stream';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk & {
  time_info?: TimeInfo;
  choices: { delta: { reasoning?: string } }[];
};

let sim: SimServer;
let client: OpenAI;
const QUESTION = 'How do I bake sourdough bread at home?';
const messages = [{ role: 'user' as const, content: QUESTION }];
/** Fast by default so the suite stays quick; tests that time things set their own knobs. */
const FAST: SimControl = { tps: 5000, ttftMs: 5 };

beforeAll(async () => {
  sim = await startSimServer({ defaults: FAST });
  client = new OpenAI({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

const ctl = (c: SimControl) => ({ headers: { [SIM_CONTROL_HEADER]: encodeSimControl(c) } });

async function streamAll(control: SimControl = {}, body: Record<string, unknown> = {}) {
  const stream = await client.chat.completions.create(
    { model: 'dialtone-sim', messages, stream: true, ...body },
    ctl(control),
  );
  const chunks: Chunk[] = [];
  for await (const chunk of stream) chunks.push(chunk as Chunk);
  const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  return { chunks, content, final: chunks.at(-1)! };
}

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Reads SSE `data:` payloads until the stream ends, errors, or stays silent for `idleMs`. */
async function readEvents(res: Response, idleMs = 2000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let outcome: 'done' | 'error' | 'idle' = 'done';
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<'idle'>((r) => (timer = setTimeout(() => r('idle'), idleMs)));
    const next = await Promise.race([reader.read(), idle]).catch(() => 'error' as const);
    clearTimeout(timer);
    if (next === 'idle' || next === 'error') {
      outcome = next;
      await reader.cancel().catch(() => {});
      break;
    }
    if (next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  const events = text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
  return { events, outcome };
}

async function activeRequests(): Promise<number> {
  const res = await fetch(sim.url.replace(/\/v1$/, '/health'));
  return ((await res.json()) as { activeRequests: number }).activeRequests;
}

async function untilIdle(): Promise<void> {
  for (let i = 0; i < 50 && (await activeRequests()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(await activeRequests()).toBe(0);
}

/** After any bad request or fault: a normal request still streams to the end. */
async function stillServes(): Promise<void> {
  const { final, content } = await streamAll();
  expect(final.choices[0]?.finish_reason).toBe('stop');
  expect(content.length).toBeGreaterThan(20);
}

describe('OpenAI-compatible API', () => {
  it('lists its model and reports health', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['dialtone-sim']);
    expect((await client.models.retrieve('dialtone-sim')).id).toBe('dialtone-sim');
    expect(await activeRequests()).toBe(0);
  });

  it('streams a reply about the question through the official client', async () => {
    const { chunks, content, final } = await streamAll();
    expect(chunks[0]!.object).toBe('chat.completion.chunk');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.slice(1).some((c) => c.choices[0]?.delta.role)).toBe(false);
    expect(content.toLowerCase()).toContain('sourdough bread');
    expect(final.choices[0]!.finish_reason).toBe('stop');
    const tokenChunks = chunks.filter((c) => c.choices[0]?.delta.content);
    expect(final.usage!.completion_tokens).toBe(tokenChunks.length);
    expect(final.usage!.total_tokens).toBe(final.usage!.prompt_tokens + tokenChunks.length);
    expect(final.usage!.prompt_tokens).toBeGreaterThan(5);
    expect(tokenChunks.length).toBeGreaterThanOrEqual(30);
  });

  it('answers non-streamed with the same text, usage and time_info after the same time', async () => {
    const control: SimControl = { tps: 1000, ttftMs: 100, seed: 11 };
    const streamed = await streamAll(control);
    const t0 = performance.now();
    const res = await client.chat.completions.create({ model: 'dialtone-sim', messages }, ctl(control));
    const elapsedMs = performance.now() - t0;
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]!.message.content).toBe(streamed.content);
    expect(res.usage).toEqual(streamed.final.usage);
    const tokens = res.usage!.completion_tokens;
    expect(elapsedMs).toBeGreaterThanOrEqual(100 + ((tokens - 1) / 1000) * 1000 - 5);
    const timeInfo = (res as unknown as { time_info: TimeInfo }).time_info;
    // The configured TTFT counts from arrival: queue (reading the body) is part of it.
    expect(timeInfo.queue_time + timeInfo.prompt_time).toBeGreaterThanOrEqual(0.095);
    expect(timeInfo.total_time).toBeLessThanOrEqual(elapsedMs / 1000 + 0.001);
  });

  it('streams reasoning first, then the answer; usage and time_info match what was streamed', async () => {
    const t0 = performance.now();
    const { chunks, final } = await streamAll({ tps: 2000, ttftMs: 50, reasoningTokens: 120 });
    const elapsedS = (performance.now() - t0) / 1000;
    const kinds = chunks
      .map((c) => (c.choices[0]?.delta.reasoning ? 'r' : c.choices[0]?.delta.content ? 'c' : ''))
      .join('');
    expect(kinds).toMatch(/^r{120}c+$/);
    expect(
      chunks
        .filter((c) => c.choices[0]?.delta.reasoning)
        .map((c) => c.choices[0]!.delta.reasoning)
        .join(''),
    ).toMatch(/^[A-Z].*sourdough/s);
    const answerTokens = kinds.length - 120;
    expect(final.usage).toMatchObject({
      completion_tokens: 120 + answerTokens,
      completion_tokens_details: { reasoning_tokens: 120 },
    });
    const t = final.time_info!;
    expect(Object.keys(t).sort()).toEqual([
      'completion_time',
      'created',
      'prompt_time',
      'queue_time',
      'total_time',
    ]);
    expect(t.queue_time + t.prompt_time).toBeGreaterThanOrEqual(0.045);
    expect(t.prompt_time).toBeLessThan(0.3);
    // Decode time of N tokens at 2,000 tok/s is (N-1)/2000 s, as generated: a late wake does not change it.
    expect(t.completion_time).toBeGreaterThanOrEqual((kinds.length - 1) / 2000 - 0.01);
    expect(t.completion_time).toBeLessThan((kinds.length - 1) / 2000 + 0.1);
    expect(t.queue_time + t.prompt_time + t.completion_time).toBeLessThanOrEqual(t.total_time + 1e-6);
    expect(t.total_time).toBeLessThanOrEqual(elapsedS);
    expect(Math.abs(t.created - Date.now() / 1000)).toBeLessThan(5);
  });

  it('is deterministic for a seed, from the header or the request', async () => {
    const a = (await streamAll({ seed: 5 })).content;
    expect((await streamAll({ seed: 5 })).content).toBe(a);
    expect((await streamAll({ seed: 6 })).content).not.toBe(a);
    expect((await streamAll({}, { seed: 5 })).content).toBe(a);
  });

  it('respects max_tokens, max_completion_tokens and the maxTokens knob (finish_reason length)', async () => {
    for (const [control, body] of [
      [{}, { max_tokens: 7 }],
      [{}, { max_completion_tokens: 7 }],
      [{ maxTokens: 7 }, {}],
      [{ maxTokens: 50 }, { max_tokens: 7 }],
    ] as const) {
      const { chunks, final } = await streamAll(control, body);
      expect(chunks.filter((c) => c.choices[0]?.delta.content)).toHaveLength(7);
      expect(final.choices[0]!.finish_reason).toBe('length');
    }
  });

  it('streams a scripted reply verbatim, non-ASCII included', async () => {
    const reply = 'Bonjour! Un café ☕, s’il vous plaît. 🎉';
    expect((await streamAll({ reply })).content).toBe(reply);
    // Scenario replies can be long; the header limit is raised well above Node's 16 KiB default.
    const long = 'A long scripted line. '.repeat(2_000);
    expect((await streamAll({ tps: 50_000, reply: long })).content).toBe(long);
  });

  it('tolerates the extra fields real clients send', async () => {
    const { final } = await streamAll(
      {},
      {
        stream_options: { include_usage: true },
        temperature: 0.7,
        top_p: 0.9,
        user: 'someone',
        seed: 3,
        n: 1,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        response_format: { type: 'text' },
        logit_bias: {},
        reasoning_effort: 'low',
        some_vendor_extra: { x: 1 },
      },
    );
    expect(final.choices[0]!.finish_reason).toBe('stop');
    const parts = await client.chat.completions.create(
      { model: 'any-model', messages: [{ role: 'user', content: [{ type: 'text', text: QUESTION }] }] },
      ctl({}),
    );
    expect(parts.model).toBe('any-model');
    expect(parts.choices[0]!.message.content!.toLowerCase()).toContain('sourdough');
  });
});

describe('bad requests', () => {
  it.each([
    ['malformed JSON', '{"messages": [', null],
    ['a non-object body', '[1,2]', null],
    ['missing messages', {}, 'messages'],
    ['empty messages', { messages: [] }, 'messages'],
    ['messages of the wrong type', { messages: 'hi' }, 'messages'],
    ['an unknown role', { messages: [{ role: 'robot', content: 'hi' }] }, 'messages[0].role'],
    ['content of the wrong type', { messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
    ['stream not a boolean', { messages, stream: 'yes' }, 'stream'],
    ['temperature not a number', { messages, temperature: 'hot' }, 'temperature'],
    ['max_tokens negative', { messages, max_tokens: -1 }, 'max_tokens'],
    ['n > 1', { messages, n: 2 }, 'n'],
  ])('%s → 400 invalid_request_error, and the server keeps serving', async (_name, body, param) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { error } = (await res.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'invalid_request_error', param });
    expect(String(error.message).length).toBeGreaterThan(10);
    await stillServes();
  });

  it.each([
    ['not JSON', '{tps:', 'not valid JSON'],
    ['an out-of-range knob', '{"tps":-5}', 'tps'],
    ['a misspelt knob', '{"ttft":100}', 'ttft'],
    ['an unknown fault', '{"fault":{"kind":"explode"}}', 'fault'],
  ])('a control header that is %s → 400 naming the problem', async (_name, header, mention) => {
    const res = await post({ messages }, { [SIM_CONTROL_HEADER]: header });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; param: string } };
    expect(error.message).toContain(SIM_CONTROL_HEADER);
    expect(error.message).toContain(mention);
    await stillServes();
  });

  it('odd request targets get a 404, not a crash', async () => {
    for (const target of ['//', '/v1/models/%E0%A4%A', '/v1/models/other', '*']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: sim.port, path: target }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status, target).toBe(404);
    }
    await stillServes();
  });

  it('unknown routes → 404 JSON, wrong methods → 405, bodies over 1 MB → 413', async () => {
    const notFound = await fetch(`${sim.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { error: { message: string } }).error.message).toContain(
      '/v1/embeddings',
    );
    const wrongMethod = await fetch(`${sim.url}/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    await wrongMethod.body?.cancel();
    const huge = await post({ messages: [{ role: 'user', content: 'x'.repeat(2 << 20) }] });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
    await stillServes();
  });
});

describe('fault injection', () => {
  it.each([
    [401, 'invalid_api_key', OpenAI.AuthenticationError],
    [429, 'rate_limit_exceeded', OpenAI.RateLimitError],
    [500, 'internal_error', OpenAI.InternalServerError],
  ] as const)('status %i reaches the client with its OpenAI error body', async (status, code, ErrorClass) => {
    const res = await post(
      { messages, stream: true },
      { [SIM_CONTROL_HEADER]: JSON.stringify({ fault: { kind: 'status', status } }) },
    );
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    if (status === 429) expect(res.headers.get('retry-after')).toBe('1');
    await expect(streamAll({ fault: { kind: 'status', status } })).rejects.toBeInstanceOf(ErrorClass);
    await stillServes();
  });

  it('429 carries the requested retry-after to the official client', async () => {
    const err = await streamAll({ fault: { kind: 'status', status: 429, retryAfterS: 3 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('3');
  });

  it('drop: the connection closes after N tokens, without a final chunk', async () => {
    const res = await post(
      { messages, stream: true },
      { [SIM_CONTROL_HEADER]: JSON.stringify({ tps: 500, fault: { kind: 'drop', afterTokens: 5 } }) },
    );
    expect(res.status).toBe(200);
    const { events, outcome } = await readEvents(res);
    expect(outcome).toBe('error');
    expect(events).toHaveLength(5);
    expect(events.every((e) => JSON.parse(e).choices[0].finish_reason === null)).toBe(true);
    await expect(streamAll({ fault: { kind: 'drop', afterTokens: 5 } })).rejects.toThrow();
    const nonStreamed = client.chat.completions.create(
      { model: 'm', messages },
      ctl({ fault: { kind: 'drop', afterTokens: 5 } }),
    );
    await expect(nonStreamed).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await untilIdle();
    await stillServes();
  });

  it('stall: N tokens, then silence with the connection open until the client leaves', async () => {
    // At 1,000 tok/s the whole reply would take well under 300 ms.
    const res = await post(
      { messages, stream: true },
      { [SIM_CONTROL_HEADER]: JSON.stringify({ tps: 1000, fault: { kind: 'stall', afterTokens: 3 } }) },
    );
    const reading = readEvents(res, 300);
    await new Promise((r) => setTimeout(r, 150));
    expect(await activeRequests()).toBe(1);
    const { events, outcome } = await reading;
    expect(outcome).toBe('idle'); // still open, nothing more came
    expect(events).toHaveLength(3);
    await untilIdle(); // the client left: the server let go of the request
    await stillServes();
  });

  it('malformed: N tokens, then a broken data line, then the end', async () => {
    const res = await post(
      { messages, stream: true },
      { [SIM_CONTROL_HEADER]: JSON.stringify({ fault: { kind: 'malformed', afterTokens: 4 } }) },
    );
    const { events, outcome } = await readEvents(res);
    expect(outcome).toBe('done');
    expect(events).toHaveLength(5);
    for (const e of events.slice(0, 4)) expect(() => JSON.parse(e)).not.toThrow();
    expect(events[4]).toMatch(/^\{"id":/);
    expect(() => JSON.parse(events[4]!)).toThrow();
    expect(events).not.toContain('[DONE]');
    await expect(streamAll({ fault: { kind: 'malformed', afterTokens: 4 } })).rejects.toThrow();
    await stillServes();
  });

  it('a client leaving mid-stream stops the request on the server', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'dialtone-sim', messages, stream: true },
      { ...ctl({ tps: 50, ttftMs: 0 }), signal: controller.signal },
    );
    let seen = 0;
    // The official client ends the iteration quietly on abort.
    for await (const _chunk of stream) if (++seen === 3) controller.abort();
    expect(seen).toBe(3);
    await untilIdle();
    await stillServes();
  });
});

describe('close()', () => {
  it('closes promptly with a stalled stream open, and the client sees the connection end', async () => {
    const own = await startSimServer({ defaults: FAST });
    const res = await fetch(`${own.url}/chat/completions`, {
      method: 'POST',
      headers: { [SIM_CONTROL_HEADER]: JSON.stringify({ fault: { kind: 'stall', afterTokens: 2 } }) },
      body: JSON.stringify({ messages, stream: true }),
    });
    const reading = readEvents(res, 5000);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await own.close();
    expect(performance.now() - t0).toBeLessThan(500);
    const { events, outcome } = await reading;
    expect(outcome).toBe('error');
    expect(events).toHaveLength(2);
    await expect(own.close()).resolves.toBeUndefined(); // idempotent
  });

  it('rejects invalid defaults at start', async () => {
    await expect(startSimServer({ defaults: { tps: -1 } })).rejects.toThrow(/tps/);
  });
});

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LaneSpecError } from '../../src/shared/lane-spec';
import { parseTtsSpec } from '../../src/shared/speech-spec';
import { systemClock } from '../../src/main/engine/clock';
import { createTts, TtsError } from '../../src/main/engine/providers/tts';
import type { Tts } from '../../src/main/engine/providers/tts';

/** A 440 Hz tone, s16le, `ms` long at `rate` with `channels` interleaved. */
function tone(ms: number, rate: number, channels = 1): Buffer {
  const frames = Math.round((rate * ms) / 1000);
  const buf = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000);
    for (let c = 0; c < channels; c++) buf.writeInt16LE(v, (i * channels + c) * 2);
  }
  return buf;
}

function wavHeader(rate: number, channels: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(0xffffffff, 4); // streamed: size unknown
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(0xffffffff, 40);
  return h;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Seen {
  body: Record<string, unknown>;
  auth: string | undefined;
}

/** The speech endpoint; what it does is chosen by the text it is asked to say. */
async function handle(req: IncomingMessage, res: ServerResponse, seen: Seen[]): Promise<void> {
  let raw = '';
  for await (const part of req) raw += String(part);
  const body = JSON.parse(raw) as Record<string, unknown>;
  seen.push({ body, auth: req.headers.authorization });
  const input = String(body.input);
  if (req.url !== '/v1/audio/speech') {
    res.writeHead(404).end();
    return;
  }
  if (input === 'auth') {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'Invalid API key' } }));
    return;
  }
  if (input === 'busy') {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
    res.end(JSON.stringify({ error: { message: 'slow down' } }));
    return;
  }
  if (input === 'wav') {
    res.writeHead(200, { 'content-type': 'audio/wav' });
    const pcm = tone(500, 48_000, 2);
    res.write(wavHeader(48_000, 2).subarray(0, 20)); // a header split across writes
    await sleep(5);
    res.write(wavHeader(48_000, 2).subarray(20));
    for (let i = 0; i < pcm.length; i += 4001) {
      res.write(pcm.subarray(i, i + 4001)); // odd sizes: samples split across writes
      await sleep(2);
    }
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked' });
  if (input === 'hang') {
    res.write(tone(100, 24_000)); // then nothing, connection open
    return;
  }
  const pcm = tone(input === 'slow' ? 60_000 : 1_000, 24_000);
  for (let i = 0; i < pcm.length; i += 4_801) {
    if (res.destroyed) return;
    if (input === 'cut' && i > 10_000) {
      res.socket?.destroy(); // the server dies mid-reply
      return;
    }
    res.write(pcm.subarray(i, i + 4_801));
    await sleep(input === 'slow' ? 20 : 3);
  }
  res.end();
}

describe('OpenAI-compatible TTS client', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      handle(req, res, seen).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const tts = (extra = '', env: Record<string, string> = {}): Tts =>
    createTts(parseTtsSpec(`openai-compatible:url=${url},model=kokoro,voice=af_bella${extra}`), {
      clock: systemClock,
      env,
    });

  it('streams 24 kHz PCM as it arrives, asking for model, voice and pcm', async () => {
    const t = tts(',key=sk-test-123');
    const stream = t.synthesize('Hello there.');
    const frames = [];
    for await (const f of stream) frames.push(f);
    const samples = frames.reduce((n, f) => n + f.pcm.length, 0);
    expect(t.sampleRate).toBe(24_000);
    expect(samples).toBe(24_000);
    expect(frames.every((f) => f.pcm.length <= 960)).toBe(true);
    expect(stream.metrics.audioMs).toBeCloseTo(1000, 5);
    expect(stream.metrics.firstAudioMs).toBeLessThan(stream.metrics.totalMs);
    const req = seen.at(-1)!;
    expect(req.body).toMatchObject({
      model: 'kokoro',
      voice: 'af_bella',
      input: 'Hello there.',
      response_format: 'pcm',
    });
    expect(req.auth).toBe('Bearer sk-test-123');
  });

  it('sends no Authorization header without a key', async () => {
    await tts().synthesizeAll('Hi.');
    expect(seen.at(-1)!.auth).toBeUndefined();
  });

  it('decodes streamed WAV (48 kHz stereo) to 24 kHz mono', async () => {
    const r = await tts().synthesizeAll('wav');
    expect(r.sampleRate).toBe(24_000);
    expect(Math.abs(r.pcm.length - 12_000)).toBeLessThanOrEqual(2);
    // Still the tone: 440 Hz → ~880 zero crossings per second.
    let crossings = 0;
    for (let i = 1; i < r.pcm.length; i++) if (r.pcm[i - 1]! < 0 !== r.pcm[i]! < 0) crossings++;
    expect(crossings / 0.5).toBeGreaterThan(840);
    expect(crossings / 0.5).toBeLessThan(920);
  });

  it('a connection cut mid-stream fails that synthesis with a typed error; the next one works', async () => {
    const t = tts();
    let got = 0;
    const err = await (async () => {
      try {
        for await (const f of t.synthesize('cut')) got += f.pcm.length;
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(got).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(TtsError);
    expect((err as TtsError).code).toBe('stream_cut');
    expect((err as TtsError).retryable).toBe(true);
    expect((err as TtsError).message).toContain('OpenAI-compatible TTS');
    const next = await t.synthesizeAll('Next turn.');
    expect(next.pcm.length).toBe(24_000);
  });

  it('maps 401 and 429 like the LLM client, naming the provider and never the key', async () => {
    const auth = await tts(',key=sk-secret-key')
      .synthesizeAll('auth')
      .catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(TtsError);
    expect((auth as TtsError).code).toBe('auth');
    expect((auth as TtsError).message).toMatch(
      /OpenAI-compatible TTS rejected the API key \(401\)\. Check the key=/,
    );
    expect((auth as TtsError).message).not.toContain('sk-secret-key');
    const busy = await tts()
      .synthesizeAll('busy')
      .catch((e: unknown) => e);
    expect((busy as TtsError).code).toBe('rate_limited');
    expect((busy as TtsError).retryAfterMs).toBe(3000);
    expect((busy as TtsError).message).toContain('slow down');
  });

  it('a server that goes quiet mid-stream fails as stalled, after the stall timeout', async () => {
    const t = createTts(parseTtsSpec(`openai-compatible:url=${url}`), {
      clock: systemClock,
      env: {},
      stallTimeoutMs: 300,
    });
    let got = 0;
    const err = await (async () => {
      try {
        for await (const f of t.synthesize('hang')) got += f.pcm.length;
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(got).toBe(2_400);
    expect((err as TtsError).code).toBe('stalled');
    expect((err as TtsError).message).toContain('sent nothing for 0.3 s');
  });

  it('says when the server is not there', async () => {
    // A port just closed, not port 9: fetch refuses 9 (a blocked port) before trying to connect.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const dead = createTts(parseTtsSpec(`openai-compatible:url=http://127.0.0.1:${port}/v1`), {
      clock: systemClock,
      env: {},
    });
    const err = await dead.synthesizeAll('Hello.').catch((e: unknown) => e);
    expect((err as TtsError).code).toBe('network');
    expect((err as TtsError).message).toContain('is the server running?');
  });

  it('an abort stops a long stream at once, quietly', async () => {
    const ac = new AbortController();
    const stream = tts().synthesize('slow', { signal: ac.signal });
    let frames = 0;
    let abortedAt = 0;
    for await (const _ of stream) {
      if (++frames === 3) {
        abortedAt = performance.now();
        ac.abort();
      }
    }
    expect(frames).toBe(3);
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(stream.metrics.aborted).toBe(true);
    expect(stream.metrics.audioMs).toBeLessThan(1_000); // of the 60 s the server would have sent
  });

  it('empty text sends no request', async () => {
    const before = seen.length;
    const r = await tts().synthesizeAll('  ');
    expect(r.pcm.length).toBe(0);
    expect(seen.length).toBe(before);
  });

  it('presets need their key, from key= or the environment', () => {
    expect(() => createTts(parseTtsSpec('openai'), { clock: systemClock, env: {} })).toThrow(LaneSpecError);
    expect(() => createTts(parseTtsSpec('groq'), { clock: systemClock, env: {} })).toThrow(/GROQ_API_KEY/);
    const openai = createTts(parseTtsSpec('openai'), { clock: systemClock, env: { OPENAI_API_KEY: 'sk-x' } });
    expect(openai.label).toContain('OpenAI TTS');
    expect(openai.sampleRate).toBe(24_000);
    expect(JSON.stringify(openai)).not.toContain('sk-x');
    const groq = createTts(parseTtsSpec('groq:key=gsk-y'), { clock: systemClock, env: {} });
    expect(groq.sampleRate).toBe(48_000);
  });
});

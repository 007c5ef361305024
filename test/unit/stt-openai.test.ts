/**
 * The OpenAI-compatible STT client (groq / openai / openai-compatible presets) against a real HTTP
 * server on 127.0.0.1 that parses the multipart upload the official `openai` client sends.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LaneSpecError } from '../../src/shared/lane-spec';
import { parseSttSpec } from '../../src/shared/speech-spec';
import type { SpeechSpec } from '../../src/shared/speech-spec';
import { decodeWav } from '../../src/main/engine/audio/wav';
import type { Clock } from '../../src/main/engine/clock';
import { createStt, SttError } from '../../src/main/engine/providers/stt';

interface Upload {
  path: string;
  authorization: string | undefined;
  fields: Record<string, string>;
  file: { name: string; type: string; bytes: Buffer } | undefined;
}

/** What the server does with the next request. */
let reply: (res: http.ServerResponse) => void;
let uploads: Upload[] = [];
let closedEarly = 0;
let server: http.Server;
let base: string;
let clockMs = 0;
const clock: Clock = { now: () => clockMs };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const form = await new Request('http://upload.invalid', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body: Buffer.concat(chunks),
        }).formData();
        const fields: Record<string, string> = {};
        let file: Upload['file'];
        for (const [name, value] of form) {
          if (typeof value === 'string') fields[name] = value;
          else file = { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
        }
        uploads.push({ path: req.url ?? '', authorization: req.headers.authorization, fields, file });
        clockMs += 250; // the "recognition" takes 250 ms on the injected clock
        res.on('close', () => {
          if (!res.writableFinished) closedEarly++;
        });
        reply(res);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  uploads = [];
  closedEarly = 0;
  clockMs = 1_000;
  reply = json(200, { text: ' hello there ' });
});

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return (res: http.ServerResponse): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
}

/** 1.3 s of a 440 Hz tone at 16 kHz: an utterance with a length no codec would round to. */
function utterance(samples = 20_800): Float32Array {
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++) out[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16_000);
  return out;
}

const stt = (spec: string, env: Record<string, string> = {}) => createStt(parseSttSpec(spec), { clock, env });

async function failure(spec: string | SpeechSpec, env: Record<string, string> = {}): Promise<SttError> {
  const made = typeof spec === 'string' ? stt(spec, env) : createStt(spec, { clock, env });
  const err = await made.recognize({ audio: utterance(1600) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SttError);
  expect((err as Error).message).not.toContain('\n');
  return err as SttError;
}

describe('OpenAI-compatible STT: the upload', () => {
  it('POSTs /v1/audio/transcriptions with a 16 kHz mono 16-bit WAV exactly as long as the utterance', async () => {
    const audio = utterance();
    const result = await stt(`openai-compatible:url=${base},model=whisper-x,language=en`).recognize({
      audio,
    });

    expect(result).toEqual({ text: 'hello there', sttMs: 250, aborted: false });
    expect(uploads).toHaveLength(1);
    const up = uploads[0]!;
    expect(up.path).toBe('/v1/audio/transcriptions');
    expect(up.fields).toMatchObject({ model: 'whisper-x', language: 'en', response_format: 'json' });
    expect(up.authorization).toBeUndefined(); // keyless self-hosted server: no header at all
    expect(up.file?.name).toBe('utterance.wav');
    expect(up.file?.type).toBe('audio/wav');
    const wav = decodeWav(up.file!.bytes, 'upload');
    expect(wav).toMatchObject({ sampleRate: 16_000, channels: 1, bitsPerSample: 16 });
    expect(wav.samples.length).toBe(audio.length);
    expect(up.file!.bytes.length).toBe(44 + audio.length * 2);
    // Same signal, to 16-bit precision.
    let maxErr = 0;
    for (let i = 0; i < audio.length; i++) maxErr = Math.max(maxErr, Math.abs(wav.samples[i]! - audio[i]!));
    expect(maxErr).toBeLessThan(1 / 16_000);
  });

  it('groq and openai presets: default models, keys from the environment or key=', async () => {
    // The preset's real URL is not reachable here; point the same preset at the local server instead.
    const groq = createStt(
      { ...parseSttSpec('groq'), url: base },
      { clock, env: { GROQ_API_KEY: 'gsk-env' } },
    );
    await groq.recognize({ audio: utterance(800) });
    const openai = createStt({ ...parseSttSpec('openai:key=sk-spec'), url: base }, { clock, env: {} });
    await openai.recognize({ audio: utterance(800) });
    expect(uploads.map((u) => [u.fields.model, u.authorization])).toEqual([
      ['whisper-large-v3-turbo', 'Bearer gsk-env'],
      ['whisper-1', 'Bearer sk-spec'],
    ]);
    expect(groq.label).toBe('Groq · whisper-large-v3-turbo');
  });

  it('a preset that needs a key and has none is refused before anything is sent', () => {
    expect(() => stt('groq')).toThrow(LaneSpecError);
    expect(() => stt('groq')).toThrow('Groq speech-to-text needs an API key: set GROQ_API_KEY');
    expect(() => stt('openai')).toThrow('set OPENAI_API_KEY');
  });

  it('transcribe(audio, signal), the lane port, gives the text alone', async () => {
    const port = stt(`openai-compatible:url=${base}`);
    expect(await port.transcribe(utterance(800), new AbortController().signal)).toBe('hello there');
  });

  it('empty audio is an empty transcript without a request', async () => {
    const result = await stt(`openai-compatible:url=${base}`).recognize({ audio: new Float32Array(0) });
    expect(result.text).toBe('');
    expect(uploads).toHaveLength(0);
  });
});

describe('OpenAI-compatible STT: errors, mapped like the LLM client', () => {
  const spec = () => `openai-compatible:url=${base},key=sk-secret-123`;

  it('401 → auth, with what to check', async () => {
    reply = json(401, { error: { message: 'Invalid API key sk-secret-123' } });
    const err = await failure(spec());
    expect(err.code).toBe('auth');
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(401);
    expect(err.message).toBe(
      'OpenAI-compatible speech-to-text rejected the API key (401). Check the key= in the --stt spec.',
    );
  });

  it('401 from Groq names Groq and the environment variable', async () => {
    reply = json(401, { error: { message: 'bad key' } });
    const err = await failure({ ...parseSttSpec('groq'), url: base }, { GROQ_API_KEY: 'gsk-x' });
    expect(err.message).toBe('Groq speech-to-text rejected the API key (401). Check GROQ_API_KEY.');
  });

  it('403 → auth', async () => {
    reply = json(403, { error: { message: 'model not enabled for this key' } });
    const err = await failure(spec());
    expect(err.code).toBe('auth');
    expect(err.message).toContain('refused the request (403): model not enabled for this key');
  });

  it('429 → rate_limited with the retry-after wait, and never the key', async () => {
    reply = json(429, { error: { message: 'slow down, sk-secret-123' } }, { 'retry-after': '7' });
    const err = await failure(spec());
    expect(err.code).toBe('rate_limited');
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(7_000);
    expect(err.message).toBe(
      'OpenAI-compatible speech-to-text is rate limiting requests (429): slow down, ***. Try again in 7 s.',
    );
  });

  it('400 / 404 / 422 → bad_request with the provider’s words', async () => {
    for (const status of [400, 404, 422]) {
      reply = json(status, { error: { message: `audio file is too short (${status})` } });
      const err = await failure(spec());
      expect(err.code).toBe('bad_request');
      expect(err.status).toBe(status);
      expect(err.message).toBe(
        `OpenAI-compatible speech-to-text rejected the request (${status}): audio file is too short (${status})`,
      );
    }
  });

  it('5xx → server, retryable', async () => {
    reply = json(503, { error: { message: 'overloaded' } });
    const err = await failure(spec());
    expect(err.code).toBe('server');
    expect(err.retryable).toBe(true);
    expect(err.message).toBe('OpenAI-compatible speech-to-text had a server error (503): overloaded');
  });

  it('nothing listening → network, saying so', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failure(`openai-compatible:url=http://127.0.0.1:${port}/v1`);
    expect(err.code).toBe('network');
    expect(err.message).toBe(
      `Could not reach OpenAI-compatible speech-to-text at http://127.0.0.1:${port}/v1 ` +
        '(connection refused) — is the server running?',
    );
  });

  it('a reply with no text → malformed', async () => {
    reply = json(200, { transcript: 'hi' });
    const err = await failure(spec());
    expect(err.code).toBe('malformed');
  });
});

describe('OpenAI-compatible STT: abort', () => {
  it('aborting ends the request at once, quietly, and the server sees the connection close', async () => {
    reply = (res) => {
      setTimeout(() => json(200, { text: 'too late' })(res), 3_000);
    };
    const ac = new AbortController();
    const started = performance.now();
    const pending = stt(`openai-compatible:url=${base}`).recognize({
      audio: utterance(1600),
      signal: ac.signal,
    });
    while (uploads.length === 0) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    const result = await pending;
    expect(result.aborted).toBe(true);
    expect(result.text).toBe('');
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect.poll(() => closedEarly, { timeout: 2_000 }).toBe(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const result = await stt(`openai-compatible:url=${base}`).recognize({
      audio: utterance(),
      signal: ac.signal,
    });
    expect(result.aborted).toBe(true);
    expect(uploads).toHaveLength(0);
  });
});

describe('typed STT', () => {
  it('can be created, takes no audio, and says so when called', async () => {
    const typed = stt('typed');
    expect(typed.acceptsAudio).toBe(false);
    await expect(typed.recognize({ audio: utterance() })).rejects.toThrow(
      /^typed mode takes no audio: type the message/,
    );
    await expect(typed.recognize({ audio: utterance() })).rejects.toMatchObject({ code: 'no_audio' });
  });
});

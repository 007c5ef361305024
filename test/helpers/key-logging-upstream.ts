/**
 * A stand-in for a remote provider on 127.0.0.1: enough of the OpenAI API for a chat stream
 * (`/chat/completions`), a transcription (`/audio/transcriptions`) and speech (`/audio/speech`, raw
 * 24 kHz PCM), logging the Authorization header of every request. With `failChat` set, chat requests
 * fail with that status and an error body that echoes the Authorization header back, as careless
 * providers do.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  path: string;
  authorization: string | undefined;
}

export interface KeyLoggingUpstream {
  /** …/v1 */
  url: string;
  requests: LoggedRequest[];
  /** Fail chat requests with this status from now on (undefined: answer them). */
  failChat: number | undefined;
  close(): Promise<void>;
}

export const UPSTREAM_REPLY = 'Hello from the upstream.';
export const UPSTREAM_TRANSCRIPT = 'hello from the upstream';

async function drain(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function chunk(delta: Record<string, string>, finish: string | null): string {
  const body = {
    id: 'chatcmpl-upstream',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'upstream-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

export async function startKeyLoggingUpstream(): Promise<KeyLoggingUpstream> {
  const requests: LoggedRequest[] = [];
  const upstream: KeyLoggingUpstream = {
    url: '',
    requests,
    failChat: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      await drain(req);
      const path = (req.url ?? '').replace(/\?.*$/, '');
      requests.push({ path, authorization: req.headers.authorization });
      if (path.endsWith('/chat/completions')) {
        if (upstream.failChat !== undefined) {
          res.writeHead(upstream.failChat, { 'content-type': 'application/json' });
          const echoed = `request with Authorization: ${req.headers.authorization ?? '(none)'} refused`;
          res.end(JSON.stringify({ error: { message: echoed, type: 'invalid_request_error' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chunk({ role: 'assistant', content: '' }, null));
        for (const word of UPSTREAM_REPLY.split(/(?= )/)) res.write(chunk({ content: word }, null));
        res.write(chunk({}, 'stop'));
        res.end('data: [DONE]\n\n');
      } else if (path.endsWith('/audio/transcriptions')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text: UPSTREAM_TRANSCRIPT }));
      } else if (path.endsWith('/audio/speech')) {
        // 0.2 s of a quiet 440 Hz tone, 24 kHz s16le.
        const samples = new Int16Array(4_800);
        for (let i = 0; i < samples.length; i++)
          samples[i] = Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / 24_000));
        res.writeHead(200, { 'content-type': 'audio/pcm' });
        res.end(Buffer.from(samples.buffer));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${path}` } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return upstream;
}

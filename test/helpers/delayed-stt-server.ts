/**
 * A local OpenAI-compatible speech recognizer (`POST /v1/audio/transcriptions`) of known delay: it
 * reads the uploaded WAV's length and answers, after `delayMs`, with the transcript a script gives
 * for that much audio (a recognizer hears more words in a longer utterance). It records each request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayedSttServer {
  /** http://127.0.0.1:PORT/v1 */
  url: string;
  /** The `--stt` spec that points a lane at it. */
  spec: string;
  /** Audio length of each request, ms, in arrival order. */
  requestsAudioMs: number[];
  /** Requests the client gave up on before the answer (a cancelled transcription). */
  abandoned: number;
  close(): Promise<void>;
}

/** The WAV's audio length, ms, from its `data` chunk (16-bit mono at its own rate). */
function wavAudioMs(body: Buffer): number {
  const riff = body.indexOf('RIFF');
  if (riff < 0) return 0;
  const rate = body.readUInt32LE(riff + 24);
  const channels = body.readUInt16LE(riff + 22);
  const bits = body.readUInt16LE(riff + 34);
  const data = body.indexOf('data', riff + 12);
  if (data < 0) return 0;
  const bytes = body.readUInt32LE(data + 4);
  return (bytes / ((bits / 8) * channels) / rate) * 1000;
}

export async function startDelayedSttServer(opts: {
  delayMs: number;
  transcriptFor: (audioMs: number) => string;
}): Promise<DelayedSttServer> {
  const requestsAudioMs: number[] = [];
  const state = { abandoned: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/audio/transcriptions')) {
        res.writeHead(404).end();
        return;
      }
      const audioMs = wavAudioMs(Buffer.concat(chunks));
      requestsAudioMs.push(audioMs);
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text: opts.transcriptFor(audioMs) }));
      }, opts.delayMs);
      res.on('close', () => {
        if (!res.writableEnded) {
          clearTimeout(timer);
          state.abandoned += 1;
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    spec: `openai-compatible:url=${url},model=whisper-stand-in`,
    requestsAudioMs,
    get abandoned() {
      return state.abandoned;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

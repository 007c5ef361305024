/**
 * A local OpenAI-compatible speech recognizer (`POST /v1/audio/transcriptions`) of known delay, for
 * the voice-turn bench and tests: it answers each upload, after `delayMs`, with the words a script
 * finds in that audio, and records each request. `fixtureScript` is the script of a speech fixture:
 * it finds the utterance in the recording and hears the phrases it covers.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { decodeWav, float32ToInt16 } from '../engine/audio/wav';

/** Where a fixture's phrases are, ms from the start of the file (test/fixtures/speech/turns.json). */
export interface FixturePhrase {
  text: string;
  startMs: number;
  endMs: number;
}

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

/** A phrase is heard once the audio reaches this far past its end, ms. */
const HEARD_AFTER_MS = 60;
const RATE = 16_000;

/** The fixture's phrases (turns.json beside it). */
export function fixturePhrases(wavPath: string): FixturePhrase[] {
  const truth = JSON.parse(readFileSync(join(dirname(wavPath), 'turns.json'), 'utf8')) as Record<
    string,
    { phrases: FixturePhrase[] } | undefined
  >;
  const entry = truth[basename(wavPath)];
  if (!entry) throw new Error(`${basename(wavPath)} is not in turns.json`);
  return entry.phrases;
}

/**
 * What a recognizer hears in an utterance cut from this 16 kHz fixture: the utterance is found in the
 * recording by its first loud samples, and the phrases it covers to their end are its words.
 */
export function fixtureScript(wavPath: string): (audio: Int16Array) => string {
  const phrases = fixturePhrases(wavPath);
  const whole = float32ToInt16(decodeWav(readFileSync(wavPath), wavPath).samples);
  return (audio) => {
    const offset = locate(whole, audio);
    if (offset === null) return '';
    const fromMs = (offset * 1000) / RATE;
    const toMs = ((offset + audio.length) * 1000) / RATE;
    return phrases
      .filter((p) => p.endMs > fromMs && p.endMs + HEARD_AFTER_MS <= toMs)
      .map((p) => p.text)
      .join(' ');
  };
}

/** Where `part` sits in `whole`, samples: 32 samples from its first loud one, matched ±2 (rounding). */
function locate(whole: Int16Array, part: Int16Array): number | null {
  const loud = part.findIndex((s) => Math.abs(s) > 500);
  if (loud < 0 || loud + 32 > part.length) return null;
  for (let at = loud; at + 32 <= whole.length; at++) {
    let i = 0;
    while (i < 32 && Math.abs(whole[at + i]! - part[loud + i]!) <= 2) i++;
    if (i === 32) return at - loud;
  }
  return null;
}

/** The uploaded WAV's samples (the multipart body holds it whole). */
function wavPcm(body: Buffer): Int16Array {
  const riff = body.indexOf('RIFF');
  if (riff < 0) return new Int16Array(0);
  return float32ToInt16(decodeWav(body.subarray(riff), 'upload').samples);
}

export async function startDelayedSttServer(opts: {
  delayMs: number;
  /** The words in an utterance (16 kHz mono 16-bit, as uploaded). */
  transcriptFor: (audio: Int16Array) => string;
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
      const audio = wavPcm(Buffer.concat(chunks));
      requestsAudioMs.push((audio.length * 1000) / RATE);
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text: opts.transcriptFor(audio) }));
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

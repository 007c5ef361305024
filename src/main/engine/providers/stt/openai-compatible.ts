/**
 * Remote STT over `/v1/audio/transcriptions` (Groq, OpenAI, self-hosted whisper servers): the utterance
 * goes up as a 16 kHz mono 16-bit WAV through the official `openai` client. Failures are classified by
 * the LLM client's mapping (auth, rate_limited + retry-after, bad_request, server, network), so both
 * stages speak the same language to the presenter.
 */
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { z } from 'zod';
import type { Clock } from '../../clock';
import { encodeWav } from '../../audio/wav';
import { classifyFailure } from '../llm/classify';
import type { FailureContext } from '../llm/classify';
import type { LlmError } from '../llm/errors';
import { Stt } from './base';
import type { TranscribeContext } from './base';
import { SttError } from './errors';
import type { SttErrorCode } from './errors';
import { STT_SAMPLE_RATE } from './types';
import { createOpenAiClient } from '../openai-client';

export interface OpenAiSttConfig {
  id: string;
  label: string;
  baseURL: string;
  model: string;
  /** Undefined: no Authorization header at all. */
  apiKey: string | undefined;
  language?: string;
  failure: FailureContext;
  clock: Clock;
  /** Whole request, ms. Default 60,000. */
  timeoutMs?: number;
}

const TranscriptionReply = z.object({ text: z.string() });

export class OpenAiCompatibleStt extends Stt {
  readonly id: string;
  readonly label: string;
  readonly model: string;
  /** #private: the key never shows in JSON.stringify or console.log of a provider. */
  readonly #config: OpenAiSttConfig;
  readonly #client: OpenAI;

  constructor(config: OpenAiSttConfig) {
    super(config.clock);
    this.#config = config;
    this.id = config.id;
    this.label = config.label;
    this.model = config.model;
    this.#client = createOpenAiClient({
      baseURL: config.baseURL,
      apiKey: config.apiKey,
      timeoutMs: config.timeoutMs ?? 60_000,
    });
  }

  protected async run(audio: Float32Array, ctx: TranscribeContext): Promise<string> {
    const wav = encodeWav(audio, STT_SAMPLE_RATE);
    const file = await toFile(wav, 'utterance.wav', { type: 'audio/wav' });
    const reply: unknown = await this.#client.audio.transcriptions.create(
      {
        file,
        model: this.#config.model,
        response_format: 'json',
        ...(this.#config.language ? { language: this.#config.language } : {}),
      },
      { signal: ctx.signal },
    );
    const parsed = TranscriptionReply.safeParse(reply);
    if (!parsed.success) {
      throw new SttError('malformed', `${this.#config.failure.label} sent a reply with no transcript text`);
    }
    return parsed.data.text;
  }

  protected override mapError(err: unknown): unknown {
    if (err instanceof SttError) return err;
    const mapped = classifyFailure(err, 'request', this.#config.failure);
    return new SttError(sttCode(mapped), mapped.message, {
      ...(mapped.status === undefined ? {} : { status: mapped.status }),
      ...(mapped.retryAfterMs === undefined ? {} : { retryAfterMs: mapped.retryAfterMs }),
      cause: err,
    });
  }
}

function sttCode(err: LlmError): SttErrorCode {
  switch (err.code) {
    case 'auth':
    case 'rate_limited':
    case 'bad_request':
    case 'server':
    case 'network':
    case 'malformed':
      return err.code;
    case 'stream_cut':
      return 'network';
    case 'stalled':
      return 'network';
  }
}

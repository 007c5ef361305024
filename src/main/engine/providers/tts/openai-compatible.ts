/**
 * OpenAI-compatible `/v1/audio/speech` (OpenAI, Groq, self-hosted Kokoro/Piper servers), through the
 * official `openai` client, so failures are classified exactly as the LLM client's are
 * (`../llm/classify`). Asks for raw PCM (`response_format: 'pcm'`, 24 kHz s16le, streamed by
 * OpenAI and most self-hosted servers); a server that answers WAV anyway (or a preset that only
 * offers WAV, like Groq) is decoded as it streams. A connection cut mid-stream fails this synthesis
 * only: every synthesis is its own request.
 */
import type OpenAI from 'openai';
import type { Clock } from '../../clock';
import { errorMessage } from '../../errors';
import { classifyFailure } from '../llm/classify';
import type { FailureContext } from '../llm/classify';
import { TtsError } from './errors';
import { PcmDecoder, WavStreamDecoder } from './pcm';
import { Tts } from './tts';
import { createOpenAiClient } from '../openai-client';

export interface OpenAiTtsConfig {
  id: string;
  /** "OpenAI", "Groq", "OpenAI-compatible" */
  providerLabel: string;
  baseURL: string;
  apiKey: string | undefined;
  model: string;
  voice: string;
  /** What to ask for; `pcm` is 24 kHz s16le by OpenAI's definition. */
  format: 'pcm' | 'wav';
  /** Output rate: 24,000 for `pcm`; WAV is resampled to it. */
  sampleRate: number;
  keyAdvice: string;
  /** No response or no bytes for this long → the synthesis fails as `stalled`, ms. */
  stallTimeoutMs: number;
}

export class OpenAiCompatibleTts extends Tts {
  readonly id: string;
  readonly label: string;
  readonly sampleRate: number;
  readonly #config: OpenAiTtsConfig;
  readonly #failure: FailureContext;
  #client: OpenAI | null = null;

  constructor(config: OpenAiTtsConfig, clock: Clock) {
    super(clock);
    this.#config = config;
    this.id = config.id;
    this.sampleRate = config.sampleRate;
    this.label = `${config.providerLabel} TTS · ${config.model} · ${config.voice}`;
    this.#failure = {
      label: `${config.providerLabel} TTS`,
      baseURL: config.baseURL,
      keyAdvice: config.keyAdvice,
      key: config.apiKey,
    };
  }

  protected async *run(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    const config = this.#config;
    let response: Response;
    try {
      response = await this.client().audio.speech.create(
        { model: config.model, voice: config.voice, input: text, response_format: config.format },
        { signal },
      );
    } catch (err) {
      if (signal.aborted) return;
      throw TtsError.fromLlm(classifyFailure(err, 'request', this.#failure));
    }
    // (A server that never answers is the SDK's timeout, set to the stall timeout: a network error.)
    const body = response.body;
    if (body === null) return;
    const reader = body.getReader();
    const onAbort = (): void => void reader.cancel().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const type = response.headers.get('content-type') ?? '';
    let decoder: { push(bytes: Uint8Array): Int16Array } | null =
      config.format === 'wav' || type.includes('wav') ? this.wav() : null;
    const pcm = new PcmDecoder();
    let stalled = false;
    try {
      for (;;) {
        let step: Awaited<ReturnType<typeof reader.read>>;
        const stall = setTimeout(() => {
          stalled = true;
          void reader.cancel().catch(() => undefined);
        }, config.stallTimeoutMs);
        try {
          step = await reader.read();
        } catch (err) {
          if (signal.aborted) return;
          if (stalled) throw this.stalled(err);
          throw TtsError.fromLlm(classifyFailure(err, 'stream', this.#failure));
        } finally {
          clearTimeout(stall);
        }
        if (stalled) throw this.stalled(undefined);
        if (step.done || signal.aborted) return;
        const bytes = step.value;
        if (decoder === null) {
          // A server told to send PCM may still send WAV: its first bytes say so.
          decoder = isRiff(bytes) ? this.wav() : pcm;
        }
        let samples: Int16Array;
        try {
          samples = decoder.push(bytes);
        } catch (err) {
          throw new TtsError('malformed', errorMessage(err));
        }
        if (samples.length > 0) yield samples;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      void reader.cancel().catch(() => undefined);
    }
  }

  private stalled(cause: unknown): TtsError {
    const s = Math.round(this.#config.stallTimeoutMs / 100) / 10;
    return new TtsError(
      'stalled',
      `${this.#failure.label} sent nothing for ${s} s, so the request was stopped`,
      {
        cause,
      },
    );
  }

  private wav(): WavStreamDecoder {
    return new WavStreamDecoder(this.sampleRate, this.#failure.label);
  }

  private client(): OpenAI {
    const config = this.#config;
    this.#client ??= createOpenAiClient({
      baseURL: config.baseURL,
      apiKey: config.apiKey,
      timeoutMs: config.stallTimeoutMs,
    });
    return this.#client;
  }
}

function isRiff(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46
  );
}

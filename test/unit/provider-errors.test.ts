/**
 * Catches a failure offered as "try again" when sending it again cannot help (a bad key, a missing
 * model, a lane with no STT), or the reverse, and an error event that loses its code or wait hint on
 * the way to the UI. Every family's codes are listed here in one table: a new code must be placed.
 */
import { describe, expect, it } from 'vitest';
import { errorEvent, errorMessage, ProviderError } from '../../src/main/engine/errors';
import { ModelMissingError, ModelVerifyError, UnknownModelError } from '../../src/main/engine/models/errors';
import { LLM_ERROR_RETRYABLE, LlmError } from '../../src/main/engine/providers/llm/errors';
import type { LlmErrorCode } from '../../src/main/engine/providers/llm/errors';
import { STT_ERROR_RETRYABLE, SttError } from '../../src/main/engine/providers/stt/errors';
import type { SttErrorCode } from '../../src/main/engine/providers/stt/errors';
import { TTS_ERROR_RETRYABLE, TtsError } from '../../src/main/engine/providers/tts/errors';
import { VadModelError } from '../../src/main/engine/vad/silero';
import type { TtsErrorCode } from '../../src/main/engine/providers/tts/errors';
import { EngineEvent } from '../../src/shared/protocol';

/** Same request, sent again unchanged: may it succeed? */
const SAME_AGAIN_MAY_WORK = {
  auth: false, // the key must change
  rate_limited: true, // later, yes
  bad_request: false, // the model name or parameters must change
  server: true,
  network: true,
  stream_cut: true,
  stalled: true,
  malformed: false, // the provider must change what it sends
  model_missing: false, // the model must be fetched first
  engine: true, // a local TTS engine that threw on one sentence
  no_audio: false, // the lane needs an STT first
  bad_audio: false,
  failed: false, // a local STT model that threw throws again on the same audio
} as const;

describe('retryable follows from the code, for every family', () => {
  const llm = Object.keys(LLM_ERROR_RETRYABLE) as LlmErrorCode[];
  const tts = Object.keys(TTS_ERROR_RETRYABLE) as TtsErrorCode[];
  const stt = Object.keys(STT_ERROR_RETRYABLE) as SttErrorCode[];

  it.each(llm)('LLM %s', (code) => {
    const err = new LlmError(code, 'x');
    expect(err).toMatchObject({ stage: 'llm', code, retryable: SAME_AGAIN_MAY_WORK[code] });
    expect(err).toBeInstanceOf(ProviderError);
  });

  it.each(tts)('TTS %s', (code) => {
    const err = new TtsError(code, 'x');
    expect(err).toMatchObject({ stage: 'tts', code, retryable: SAME_AGAIN_MAY_WORK[code] });
    expect(err).toBeInstanceOf(ProviderError);
  });

  it.each(stt)('STT %s', (code) => {
    const err = new SttError(code, 'x');
    expect(err).toMatchObject({ stage: 'stt', code, retryable: SAME_AGAIN_MAY_WORK[code] });
    expect(err).toBeInstanceOf(ProviderError);
  });

  it('TTS and STT speak HTTP as the LLM client does: the shared codes mean the same', () => {
    for (const code of llm) expect(TTS_ERROR_RETRYABLE[code]).toBe(LLM_ERROR_RETRYABLE[code]);
    for (const code of stt) {
      if (code in LLM_ERROR_RETRYABLE) {
        expect(STT_ERROR_RETRYABLE[code]).toBe(LLM_ERROR_RETRYABLE[code as LlmErrorCode]);
      }
    }
  });

  it('model errors are never retryable: the files on disk must change first', () => {
    const missing = new ModelMissingError('whisper-base', '/m/whisper-base', 'offline mode');
    const corrupt = new ModelVerifyError('kokoro-82m', 'model.onnx', 'model kokoro-82m: size mismatch');
    const unknown = new UnknownModelError('nope', ['whisper-base']);
    expect(missing).toMatchObject({ stage: 'model', code: 'model_missing', retryable: false });
    expect(corrupt).toMatchObject({ stage: 'model', code: 'model_corrupt', retryable: false });
    expect(unknown).toMatchObject({ stage: 'model', code: 'unknown_model', retryable: false });
    expect(missing.message).toContain('bin/dialtone models fetch whisper-base');
  });

  it('a VAD model that will not load is vad_unavailable and not retryable: the file must be replaced', () => {
    const err = new VadModelError('/a/silero_vad.onnx: not a Silero VAD v5 model (bad input)');
    expect(err).toMatchObject({ stage: 'vad', code: 'vad_unavailable', retryable: false });
    expect(errorEvent(err, { laneId: 'a', stage: 'vad' })).toMatchObject({ code: 'vad_unavailable' });
  });

  it('a TTS error made from an LLM one keeps its code, status and wait hint', () => {
    const limited = new LlmError('rate_limited', 'slow down', { status: 429, retryAfterMs: 1500 });
    const tts = TtsError.fromLlm(limited);
    expect(tts).toMatchObject({ stage: 'tts', code: 'rate_limited', retryable: true, status: 429 });
    expect(tts.retryAfterMs).toBe(1500);
    expect(tts).not.toBeInstanceOf(LlmError);
  });
});

describe('errorEvent', () => {
  it('carries the code, retryability and wait hint of a provider error, on the stage that asked', () => {
    const err = new LlmError('rate_limited', 'Cerebras is rate limiting requests (429).', {
      retryAfterMs: 2000,
    });
    const event = errorEvent(err, { laneId: 'a', turnId: 'a-3', stage: 'llm' });
    expect(event).toEqual({
      type: 'error',
      laneId: 'a',
      turnId: 'a-3',
      stage: 'llm',
      code: 'rate_limited',
      message: 'Cerebras is rate limiting requests (429).',
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(EngineEvent.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('reports a model error on the speech stage that needed the model', () => {
    const err = new ModelMissingError('kokoro-82m', '/m/kokoro-82m', 'offline mode');
    expect(errorEvent(err, { laneId: 'k', stage: 'tts' })).toMatchObject({
      stage: 'tts',
      code: 'model_missing',
      retryable: false,
    });
  });

  it('anything else thrown is a fault of ours: internal, not retryable, its message kept', () => {
    const event = errorEvent(new TypeError('x is undefined'), { stage: 'engine' });
    expect(event).toEqual({
      type: 'error',
      stage: 'engine',
      code: 'internal',
      message: 'x is undefined',
      retryable: false,
    });
    expect(errorEvent('a string', { stage: 'engine' }).message).toBe('a string');
  });
});

describe('errorMessage', () => {
  it("is an Error's own message, or the thrown value as text", () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

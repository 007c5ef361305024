import { describe, expect, it } from 'vitest';
import { formatSpeechSpec, parseSttSpec, parseTtsSpec } from '../../src/shared/speech-spec';

describe('speech specs', () => {
  it('parses STT and TTS specs', () => {
    expect(parseSttSpec('openai-compatible:url=http://127.0.0.1:9000/v1/,model=whisper-1')).toEqual({
      provider: 'openai-compatible',
      url: 'http://127.0.0.1:9000/v1',
      model: 'whisper-1',
    });
    expect(parseTtsSpec('espeak:voice=en-gb,rate=180')).toEqual({
      provider: 'espeak',
      voice: 'en-gb',
      rate: 180,
    });
    expect(parseSttSpec('typed')).toEqual({ provider: 'typed' });
  });

  it('names unknown providers, unknown keys and missing ones', () => {
    expect(() => parseSttSpec('deepgram')).toThrow('unknown stt provider "deepgram"');
    expect(() => parseTtsSpec('espeak:pitch=3')).toThrow('unknown key "pitch" for tts provider espeak');
    expect(() => parseTtsSpec('openai-compatible:model=x')).toThrow('needs url=');
    expect(() => parseTtsSpec('espeak:rate=fast')).toThrow('rate=fast must be a number');
  });

  it('masks keys when formatted', () => {
    expect(formatSpeechSpec(parseTtsSpec('openai:voice=alloy,key=sk-secret'))).toBe(
      'openai:voice=alloy,key=***',
    );
  });
});

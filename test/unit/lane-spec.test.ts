import { describe, expect, it } from 'vitest';
import { formatLaneSpec, LANE_PRESETS, parseLaneSpec } from '../../src/shared/lane-spec';

describe('lane specs', () => {
  it('parses simulated-backend knobs', () => {
    expect(parseLaneSpec('sim:tps=60,ttft=700,reasoning=400,jitter=0.2,seed=9')).toEqual({
      provider: 'sim',
      knobs: { tps: 60, ttftMs: 700, reasoningTokens: 400, jitter: 0.2, seed: 9 },
    });
  });

  it('expands the named presets', () => {
    expect(parseLaneSpec('fast')).toMatchObject({ provider: 'sim', knobs: { tps: 2000, ttftMs: 150 } });
    expect(parseLaneSpec('gpu')).toMatchObject({ provider: 'sim', knobs: { tps: 60, ttftMs: 700 } });
    for (const preset of Object.values(LANE_PRESETS)) expect(() => parseLaneSpec(preset.spec)).not.toThrow();
  });

  it('parses remote providers and faults', () => {
    expect(parseLaneSpec('cerebras:model=gpt-oss-120b')).toEqual({
      provider: 'cerebras',
      model: 'gpt-oss-120b',
    });
    expect(parseLaneSpec('openai-compatible:url=http://127.0.0.1:11434/v1/,model=llama3.2')).toEqual({
      provider: 'openai-compatible',
      url: 'http://127.0.0.1:11434/v1',
      model: 'llama3.2',
    });
    expect(
      parseLaneSpec('sim:fault=429/3').provider === 'sim' && parseLaneSpec('sim:fault=429/3'),
    ).toMatchObject({
      fault: { kind: 'status', status: 429, retryAfterS: 3 },
    });
    expect(parseLaneSpec('sim:tps=20000,tokens=4000')).toMatchObject({
      knobs: { tps: 20000, replyTokens: 4000 },
    });
    expect(parseLaneSpec('sim:fault=drop@20')).toMatchObject({ fault: { kind: 'drop', afterTokens: 20 } });
  });

  it('names the unknown provider, the unknown key and the bad value', () => {
    expect(() => parseLaneSpec('warp')).toThrow('unknown provider "warp"');
    expect(() => parseLaneSpec('sim:speed=3')).toThrow('unknown key "speed" for provider sim');
    expect(() => parseLaneSpec('groq:tps=3')).toThrow('unknown key "tps" for provider groq');
    expect(() => parseLaneSpec('sim:tps=fast')).toThrow('tps=fast must be a number');
    expect(() => parseLaneSpec('sim:tps')).toThrow('"tps" is not key=value');
    expect(() => parseLaneSpec('openai-compatible:model=x')).toThrow('needs url=');
    expect(() => parseLaneSpec('ollama:url=ftp://x')).toThrow('must be http or https');
    expect(() => parseLaneSpec('sim:fault=404')).toThrow('fault=404');
  });

  it('formats specs back to text with the key masked', () => {
    expect(formatLaneSpec(parseLaneSpec('sim:tps=60,ttft=700'))).toBe('sim:tps=60,ttft=700');
    expect(formatLaneSpec(parseLaneSpec('groq:model=llama-3.1-8b-instant,key=gsk_secret'))).toBe(
      'groq:model=llama-3.1-8b-instant,key=***',
    );
  });
});

/**
 * Presets and keys: where each backend lives, which key it needs, and that a key never leaks into
 * anything shown or logged.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LaneSpecError, LLM_PROVIDERS, parseLaneSpec } from '../../src/shared/lane-spec';
import { ProviderInfo } from '../../src/shared/protocol';
import { systemClock } from '../../src/main/engine/clock';
import { createLlmProvider } from '../../src/main/engine/providers/llm';
import { LLM_PRESETS, listProviders } from '../../src/main/engine/providers/llm/presets';

const deps = (env: Record<string, string> = {}) => ({
  clock: systemClock,
  env,
  simBaseUrl: 'http://127.0.0.1:1/v1',
});

function specError(spec: string, env: Record<string, string> = {}): LaneSpecError {
  try {
    createLlmProvider(parseLaneSpec(spec), deps(env));
  } catch (err) {
    expect(err).toBeInstanceOf(LaneSpecError);
    return err as LaneSpecError;
  }
  throw new Error(`"${spec}" was accepted`);
}

describe('LLM presets', () => {
  it('covers every provider a lane spec can name, with the documented endpoints', () => {
    expect(Object.keys(LLM_PRESETS).sort()).toEqual([...LLM_PROVIDERS].sort());
    expect(LLM_PRESETS.cerebras).toMatchObject({
      url: 'https://api.cerebras.ai/v1',
      keyEnv: 'CEREBRAS_API_KEY',
    });
    expect(LLM_PRESETS.groq).toMatchObject({ url: 'https://api.groq.com/openai/v1', keyEnv: 'GROQ_API_KEY' });
    expect(LLM_PRESETS.sambanova).toMatchObject({
      url: 'https://api.sambanova.ai/v1',
      keyEnv: 'SAMBANOVA_API_KEY',
    });
    expect(LLM_PRESETS.ollama).toMatchObject({ url: 'http://127.0.0.1:11434/v1', needsKey: false });
    expect(LLM_PRESETS.lmstudio).toMatchObject({ url: 'http://127.0.0.1:1234/v1', needsKey: false });
  });

  it('lists providers with whether a key is set, never the key', () => {
    const key = 'csk-listing-secret-1';
    const list = listProviders({ CEREBRAS_API_KEY: key, GROQ_API_KEY: '  ' });
    for (const info of list) ProviderInfo.parse(info);
    expect(JSON.stringify(list)).not.toContain(key);
    const byId = Object.fromEntries(list.map((p) => [p.id, p]));
    expect(byId.cerebras).toMatchObject({ keySet: true, needsKey: true, keyEnv: 'CEREBRAS_API_KEY' });
    expect(byId.groq).toMatchObject({ keySet: false, needsKey: true }); // blank counts as unset
    expect(byId.ollama).toMatchObject({ keySet: false, needsKey: false });
    expect(byId.sim).toMatchObject({ needsKey: false, defaultModel: 'dialtone-sim' });
  });

  it('a provider that needs a key and has none says which variable to set, or key=', () => {
    const err = specError('cerebras');
    expect(err.message).toContain('CEREBRAS_API_KEY');
    expect(err.message).toContain('key=');
    expect(specError('groq').message).toContain('GROQ_API_KEY');
    expect(specError('sambanova').message).toContain('SAMBANOVA_API_KEY');
    expect(specError('openai').message).toContain('OPENAI_API_KEY');
    expect(specError('openrouter').message).toContain('OPENROUTER_API_KEY');
  });

  it('takes the key from the environment or from key=, and needs none for local servers', () => {
    expect(createLlmProvider(parseLaneSpec('cerebras'), deps({ CEREBRAS_API_KEY: 'k-env' })).label).toBe(
      'Cerebras · llama3.1-8b',
    );
    const explicit = createLlmProvider(
      parseLaneSpec('groq:key=gsk-secret-in-spec,model=llama-3.3-70b'),
      deps(),
    );
    expect(explicit.label).toBe('Groq · llama-3.3-70b');
    expect(explicit.label).not.toContain('gsk-secret');
    expect(JSON.stringify(explicit)).not.toContain('gsk-secret-in-spec');
    expect(inspect(explicit, { depth: 10, showHidden: true })).not.toContain('gsk-secret-in-spec');
    expect(createLlmProvider(parseLaneSpec('ollama'), deps()).model).toBe('llama3.2');
    expect(createLlmProvider(parseLaneSpec('lmstudio'), deps()).id).toBe('lmstudio');
    const any = createLlmProvider(
      parseLaneSpec('openai-compatible:url=http://127.0.0.1:8000/v1,model=q'),
      deps(),
    );
    expect(any.label).toBe('OpenAI-compatible · q');
  });

  it('the simulated backend needs an address and labels itself by its knobs', () => {
    const sim = createLlmProvider(parseLaneSpec('sim:tps=2000,ttft=150,reasoning=400'), deps());
    expect(sim).toMatchObject({ id: 'sim', model: 'dialtone-sim' });
    expect(sim.label).toBe('Simulated · 2,000 tok/s, TTFT 150 ms, 400 reasoning tokens');
    expect(() => createLlmProvider(parseLaneSpec('sim'), { clock: systemClock, env: {} })).toThrow(
      LaneSpecError,
    );
  });
});

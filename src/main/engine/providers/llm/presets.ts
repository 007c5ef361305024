/**
 * Backend presets: where each provider lives, which model it defaults to and where its key comes from.
 * Keys are looked up here and nowhere else; what leaves this file is only whether one is set.
 */
import type { LaneSpec, LlmProviderId } from '../../../../shared/lane-spec';
import { LaneSpecError, LLM_PROVIDERS } from '../../../../shared/lane-spec';
import type { ProviderInfo } from '../../../../shared/protocol';
import { readProviderKey, type ProviderEnv } from '../keys';

export interface LlmPreset {
  /** Name shown to people, e.g. "Cerebras". */
  label: string;
  /** Base URL ending in /v1; empty when the lane supplies it (sim: the embedded backend; any base URL). */
  url: string;
  defaultModel: string;
  /** Environment variable holding the key. */
  keyEnv?: string;
  /** Requests without a key are refused before they are sent. */
  needsKey: boolean;
  /**
   * Default context window, characters of message content (~4 per token; see engine/context-window.ts):
   * what the provider's usual model takes with room for the reply, and short enough to keep TTFT
   * (prefill) low in a voice conversation. A lane spec's `context=` overrides it.
   */
  contextChars: number;
}

export const SIM_MODEL = 'dialtone-sim';

export const LLM_PRESETS: Record<LlmProviderId, LlmPreset> = {
  // The simulated backend reads any length (up to its 1 MiB body limit); ~8k tokens, like a real one.
  sim: { label: 'Simulated', url: '', defaultModel: SIM_MODEL, needsKey: false, contextChars: 32_000 },
  cerebras: {
    label: 'Cerebras',
    url: 'https://api.cerebras.ai/v1',
    defaultModel: 'llama3.1-8b',
    keyEnv: 'CEREBRAS_API_KEY',
    needsKey: true,
    // Cerebras' free tier serves llama3.1-8b with an 8,192-token context (2025).
    contextChars: 24_000,
  },
  groq: {
    label: 'Groq',
    url: 'https://api.groq.com/openai/v1',
    defaultModel: 'llama-3.1-8b-instant',
    keyEnv: 'GROQ_API_KEY',
    needsKey: true,
    // 128k-token models, but Groq's free tier allows ~6,000 tokens per minute (2025): keep requests small.
    contextChars: 16_000,
  },
  sambanova: {
    label: 'SambaNova',
    url: 'https://api.sambanova.ai/v1',
    defaultModel: 'Meta-Llama-3.1-8B-Instruct',
    keyEnv: 'SAMBANOVA_API_KEY',
    needsKey: true,
    contextChars: 24_000,
  },
  openai: {
    label: 'OpenAI',
    url: 'https://api.openai.com/v1',
    defaultModel: 'gpt-4o-mini',
    keyEnv: 'OPENAI_API_KEY',
    needsKey: true,
    contextChars: 32_000,
  },
  openrouter: {
    label: 'OpenRouter',
    url: 'https://openrouter.ai/api/v1',
    defaultModel: 'meta-llama/llama-3.1-8b-instruct',
    keyEnv: 'OPENROUTER_API_KEY',
    needsKey: true,
    contextChars: 24_000,
  },
  // Ollama's default context is a few thousand tokens (2,048 or 4,096 by version), and a longer
  // prompt is cut from the front without a word: stay inside it.
  ollama: {
    label: 'Ollama',
    url: 'http://127.0.0.1:11434/v1',
    defaultModel: 'llama3.2',
    needsKey: false,
    contextChars: 6_000,
  },
  lmstudio: {
    label: 'LM Studio',
    url: 'http://127.0.0.1:1234/v1',
    defaultModel: 'llama-3.2-3b-instruct',
    needsKey: false,
    // LM Studio loads models with a 4,096-token context unless told otherwise.
    contextChars: 12_000,
  },
  'openai-compatible': {
    label: 'OpenAI-compatible',
    url: '',
    defaultModel: 'default',
    keyEnv: 'OPENAI_COMPATIBLE_API_KEY',
    needsKey: false,
    // Unknown server, unknown model: assume a modest 4k-token context.
    contextChars: 12_000,
  },
  // A recorded run played back offline (`replay:file=…`); no URL, no model of its own, no key.
  replay: {
    label: 'Replay of a recording',
    url: '',
    defaultModel: 'recorded',
    needsKey: false,
    contextChars: 32_000,
  },
};

/** The presets as the UI sees them: whether a key is set, never the key. */
export function listProviders(env: ProviderEnv): ProviderInfo[] {
  return LLM_PROVIDERS.map((id) => {
    const p = LLM_PRESETS[id];
    const info: ProviderInfo = {
      id,
      label: p.label,
      url: p.url,
      defaultModel: p.defaultModel,
      keySet: readProviderKey(undefined, p.keyEnv, env).key !== undefined,
      needsKey: p.needsKey,
    };
    if (p.keyEnv !== undefined) info.keyEnv = p.keyEnv;
    return info;
  });
}

/**
 * The key a lane will send: `key=` in the spec wins over the environment. Throws a LaneSpecError that
 * says what to set when the provider needs a key and has none.
 */
export function resolveKey(spec: LaneSpec, env: ProviderEnv): string | undefined {
  const preset = LLM_PRESETS[spec.provider];
  const explicit = spec.provider === 'sim' || spec.provider === 'replay' ? undefined : spec.key;
  const { key } = readProviderKey(explicit, preset.keyEnv, env);
  if (key === undefined && preset.needsKey) {
    throw new LaneSpecError(
      `${preset.label} needs an API key: set ${preset.keyEnv} in the environment, ` +
        `or add key=… to the lane spec (${spec.provider}:key=…)`,
    );
  }
  return key;
}

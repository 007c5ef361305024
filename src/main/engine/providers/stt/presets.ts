/**
 * Where each remote STT provider lives, its default model and where its key comes from — the same keys
 * as the LLM presets (GROQ_API_KEY, OPENAI_API_KEY, `key=` in the spec wins).
 */
import { LaneSpecError } from '../../../../shared/lane-spec';
import type { SpeechSpec } from '../../../../shared/speech-spec';
import { readProviderKey, type ProviderEnv } from '../keys';

export type RemoteSttProviderId = 'groq' | 'openai' | 'openai-compatible';

export interface SttPreset {
  label: string;
  /** Base URL ending in /v1; empty when the spec must supply it. */
  url: string;
  defaultModel: string;
  keyEnv?: string;
  needsKey: boolean;
}

export const STT_PRESETS: Record<RemoteSttProviderId, SttPreset> = {
  groq: {
    label: 'Groq',
    url: 'https://api.groq.com/openai/v1',
    defaultModel: 'whisper-large-v3-turbo',
    keyEnv: 'GROQ_API_KEY',
    needsKey: true,
  },
  openai: {
    label: 'OpenAI',
    url: 'https://api.openai.com/v1',
    defaultModel: 'whisper-1',
    keyEnv: 'OPENAI_API_KEY',
    needsKey: true,
  },
  'openai-compatible': {
    label: 'OpenAI-compatible',
    url: '',
    defaultModel: 'whisper-1',
    keyEnv: 'OPENAI_COMPATIBLE_API_KEY',
    needsKey: false,
  },
};

export interface ResolvedKey {
  key: string | undefined;
  /** What to check after a 401/403. */
  advice: string;
}

/** The key to send: `key=` in the spec, else the preset's environment variable; throws when required. */
export function resolveSttKey(id: RemoteSttProviderId, spec: SpeechSpec, env: ProviderEnv): ResolvedKey {
  const preset = STT_PRESETS[id];
  const { key, source } = readProviderKey(spec.key, preset.keyEnv, env);
  if (source === 'spec') return { key, advice: 'Check the key= in the --stt spec.' };
  if (source === 'env') return { key, advice: `Check ${preset.keyEnv}.` };
  if (preset.needsKey) {
    throw new LaneSpecError(
      `${preset.label} speech-to-text needs an API key: set ${preset.keyEnv} in the environment, ` +
        `or add key=… to the spec (${id}:key=…)`,
    );
  }
  return {
    key: undefined,
    advice: preset.keyEnv === undefined ? '' : `Set ${preset.keyEnv} or add key=… to the --stt spec.`,
  };
}

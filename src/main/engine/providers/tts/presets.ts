/**
 * Where each HTTP TTS provider lives, what it defaults to and where its key comes from — the same
 * environment variables as the LLM presets (`../llm/presets`), so one key serves a provider's chat
 * and speech.
 */
import { LaneSpecError } from '../../../../shared/lane-spec';
import type { SpeechSpec } from '../../../../shared/speech-spec';
import { readProviderKey, type ProviderEnv } from '../keys';

export interface TtsPreset {
  label: string;
  /** Base URL ending in /v1; empty when the spec supplies it. */
  url: string;
  defaultModel: string;
  defaultVoice: string;
  keyEnv: string;
  needsKey: boolean;
  /** What to ask for: OpenAI streams raw 24 kHz PCM; Groq answers WAV only (48 kHz). */
  format: 'pcm' | 'wav';
  sampleRate: number;
}

export const TTS_PRESETS: Record<'openai' | 'groq' | 'openai-compatible', TtsPreset> = {
  openai: {
    label: 'OpenAI',
    url: 'https://api.openai.com/v1',
    defaultModel: 'gpt-4o-mini-tts',
    defaultVoice: 'alloy',
    keyEnv: 'OPENAI_API_KEY',
    needsKey: true,
    format: 'pcm',
    sampleRate: 24_000,
  },
  groq: {
    label: 'Groq',
    url: 'https://api.groq.com/openai/v1',
    defaultModel: 'canopylabs/orpheus-v1-english',
    defaultVoice: 'autumn',
    keyEnv: 'GROQ_API_KEY',
    needsKey: true,
    format: 'wav',
    sampleRate: 48_000,
  },
  'openai-compatible': {
    label: 'OpenAI-compatible',
    url: '',
    // Kokoro-FastAPI and most self-hosted servers accept these names.
    defaultModel: 'tts-1',
    defaultVoice: 'alloy',
    keyEnv: 'OPENAI_COMPATIBLE_API_KEY',
    needsKey: false,
    format: 'pcm',
    sampleRate: 24_000,
  },
};

/** The key to send: `key=` in the spec wins over the environment; a LaneSpecError when one is needed. */
export function resolveTtsKey(
  preset: TtsPreset,
  spec: SpeechSpec,
  env: ProviderEnv,
): { key: string | undefined; keyAdvice: string } {
  const { key, source } = readProviderKey(spec.key, preset.keyEnv, env);
  if (source === 'spec') return { key, keyAdvice: 'Check the key= in the --tts spec.' };
  if (source === 'env') return { key, keyAdvice: `Check ${preset.keyEnv}.` };
  if (preset.needsKey) {
    throw new LaneSpecError(
      `${preset.label} TTS needs an API key: set ${preset.keyEnv} in the environment, ` +
        `or add key=… to the tts spec (${spec.provider}:key=…)`,
    );
  }
  return { key: undefined, keyAdvice: `Set ${preset.keyEnv} or add key=… to the tts spec.` };
}

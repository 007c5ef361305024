/**
 * Speech provider specs, in the lane-spec form `<provider>[:key=value,...]` (parsed by ./lane-spec.ts):
 * `--stt local:model=whisper-tiny.en`, `--stt openai-compatible:url=http://…/v1,model=whisper-1`,
 * `--tts espeak:voice=en-us`, `--tts openai-compatible:url=…,model=…,voice=…`.
 * An unknown provider or key is an error that names it.
 */
import { checkUrl, LaneSpecError, num, parsePairs } from './lane-spec';
import { redact } from './redact';

export interface SpeechSpec {
  provider: string;
  url?: string;
  model?: string;
  voice?: string;
  /** Never sent to the renderer or logged. */
  key?: string;
  /** Speaking rate, words per minute (espeak). */
  rate?: number;
  /** Speaking pace relative to the voice's natural one, 0.5–2 (Kokoro). */
  speed?: number;
  /** Language code (STT), e.g. `en`. */
  language?: string;
}

interface ProviderKeys {
  keys: readonly string[];
  /** Keys that must be present. */
  required?: readonly string[];
}

export const STT_PROVIDERS: Record<string, ProviderKeys> = {
  /** Typed input only: no speech recognition. */
  typed: { keys: [] },
  local: { keys: ['model', 'language'] },
  groq: { keys: ['model', 'key', 'language'] },
  openai: { keys: ['model', 'key', 'language'] },
  'openai-compatible': { keys: ['url', 'model', 'key', 'language'], required: ['url'] },
};

export const TTS_PROVIDERS: Record<string, ProviderKeys> = {
  /** Text only: replies are not spoken. */
  none: { keys: [] },
  espeak: { keys: ['voice', 'rate'] },
  kokoro: { keys: ['voice', 'model', 'speed'] },
  openai: { keys: ['model', 'voice', 'key'] },
  groq: { keys: ['model', 'voice', 'key'] },
  'openai-compatible': { keys: ['url', 'model', 'voice', 'key'], required: ['url'] },
};

export const DEFAULT_STT_SPEC = 'local:model=whisper-tiny.en';
export const DEFAULT_TTS_SPEC = 'espeak:voice=en-us';

function parseSpeechSpec(
  kind: 'stt' | 'tts',
  input: string,
  providers: Record<string, ProviderKeys>,
): SpeechSpec {
  const spec = input.trim();
  const colon = spec.indexOf(':');
  const provider = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const known = providers[provider];
  if (!known) {
    throw new LaneSpecError(
      `unknown ${kind} provider "${provider}" in "${spec}" (known: ${Object.keys(providers).join(', ')})`,
    );
  }
  const pairs = parsePairs(colon < 0 ? '' : spec.slice(colon + 1), spec);
  for (const key of pairs.keys()) {
    if (!known.keys.includes(key)) {
      const allowed = known.keys.length ? known.keys.join(', ') : 'none';
      throw new LaneSpecError(
        `unknown key "${key}" for ${kind} provider ${provider} in "${spec}" (known: ${allowed})`,
      );
    }
  }
  for (const key of known.required ?? []) {
    if (!pairs.has(key)) throw new LaneSpecError(`${kind} spec "${spec}": ${provider} needs ${key}=…`);
  }
  const out: SpeechSpec = { provider };
  for (const [key, value] of pairs) {
    if (value === '') throw new LaneSpecError(`${kind} spec "${spec}": ${key}= is empty`);
    if (key === 'url') out.url = checkUrl(spec, value);
    else if (key === 'rate') out.rate = num(spec, 'rate', value, 40, 600);
    else if (key === 'speed') out.speed = num(spec, 'speed', value, 0.5, 2);
    else if (key === 'model' || key === 'voice' || key === 'key' || key === 'language') out[key] = value;
  }
  return out;
}

export const parseSttSpec = (input: string): SpeechSpec => parseSpeechSpec('stt', input, STT_PROVIDERS);
export const parseTtsSpec = (input: string): SpeechSpec => parseSpeechSpec('tts', input, TTS_PROVIDERS);

/** The spec as text, any key masked, for display and logs. */
export function formatSpeechSpec(spec: SpeechSpec): string {
  const parts: string[] = [];
  if (spec.url) parts.push(`url=${spec.url}`);
  if (spec.model) parts.push(`model=${spec.model}`);
  if (spec.voice) parts.push(`voice=${spec.voice}`);
  if (spec.language) parts.push(`language=${spec.language}`);
  if (spec.rate !== undefined) parts.push(`rate=${spec.rate}`);
  if (spec.speed !== undefined) parts.push(`speed=${spec.speed}`);
  if (spec.key) parts.push('key=***');
  return redact(parts.length ? `${spec.provider}:${parts.join(',')}` : spec.provider);
}

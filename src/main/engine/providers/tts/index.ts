/**
 * createTts: a `--tts` spec in, a ready provider out. Everything that can be wrong with the
 * configuration (no key, no URL) throws a LaneSpecError here, before any request is sent; an unknown
 * espeak or Kokoro voice falls back to the default and says so in `tts.warnings`.
 */
import { LaneSpecError } from '../../../../shared/lane-spec';
import type { SpeechSpec } from '../../../../shared/speech-spec';
import type { Clock } from '../../clock';
import type { ProviderEnv } from '../keys';
import type { ModelManager } from '../../models/manager';
import type { TtsPort } from '../../voice/ports';
import { EspeakTts } from './espeak';
import { KokoroTts } from './kokoro';
import { NoTts } from './none';
import { OpenAiCompatibleTts } from './openai-compatible';
import { resolveTtsKey, TTS_PRESETS } from './presets';
import type { Tts } from './tts';

export { Tts, SynthesisStream, MAX_FRAME_MS, concatPcm } from './tts';
export type { TtsFrame, TtsMetrics, SynthesizeOptions } from './tts';
export { TtsError } from './errors';
export type { TtsErrorCode } from './errors';
export { ESPEAK_VOICES, DEFAULT_ESPEAK_VOICE } from './voices';
export type { EspeakVoice } from './voices';
export { KOKORO_VOICES, KOKORO_SAMPLE_RATE } from './kokoro';
export { TTS_PRESETS } from './presets';
export { ESPEAK_SAMPLE_RATE } from './espeak-engine';

/**
 * The lane's `TtsPort` shape (voice/ports.ts) over a Tts: `onAudio` per frame, resolves when the
 * chunk is done or at once on abort; rejects with a TtsError.
 */
export function ttsPort(tts: Tts): TtsPort {
  return {
    get label() {
      return tts.label;
    },
    get engineThread() {
      return tts.engineThread;
    },
    warm: (options) => tts.warm(options),
    async synthesize(text, signal, onAudio) {
      for await (const frame of tts.synthesize(text, { signal })) onAudio(frame.pcm, frame.sampleRate);
    },
  };
}

export interface TtsDeps {
  clock: Clock;
  /** Keys and model-cache settings: process.env in the app and the CLI. Required (see ../keys.ts). */
  env: ProviderEnv;
  /** The model cache for `kokoro` (default: one for `env`). */
  models?: ModelManager;
  /** HTTP providers: no response or no bytes for this long fails the synthesis, ms. Default 15,000. */
  stallTimeoutMs?: number;
}

export const DEFAULT_TTS_STALL_TIMEOUT_MS = 15_000;

export function createTts(spec: SpeechSpec, deps: TtsDeps): Tts {
  const env = deps.env;
  switch (spec.provider) {
    case 'none':
      return new NoTts(deps.clock);
    case 'espeak':
      return new EspeakTts({ voice: spec.voice, rate: spec.rate }, deps.clock);
    case 'kokoro':
      return new KokoroTts(
        { voice: spec.voice, model: spec.model, speed: spec.speed, env, models: deps.models },
        deps.clock,
      );
    case 'openai':
    case 'groq':
    case 'openai-compatible': {
      const preset = TTS_PRESETS[spec.provider];
      const baseURL = spec.url ?? preset.url;
      if (baseURL === '')
        throw new LaneSpecError(`${preset.label} TTS needs url=http://host:port/v1 in the tts spec`);
      const { key, keyAdvice } = resolveTtsKey(preset, spec, env);
      return new OpenAiCompatibleTts(
        {
          id: spec.provider,
          providerLabel: preset.label,
          baseURL,
          apiKey: key,
          model: spec.model ?? preset.defaultModel,
          voice: spec.voice ?? preset.defaultVoice,
          format: preset.format,
          sampleRate: preset.sampleRate,
          keyAdvice,
          stallTimeoutMs: deps.stallTimeoutMs ?? DEFAULT_TTS_STALL_TIMEOUT_MS,
        },
        deps.clock,
      );
    }
    default:
      throw new LaneSpecError(`unknown tts provider "${spec.provider}"`);
  }
}

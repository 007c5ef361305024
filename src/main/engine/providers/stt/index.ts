/**
 * createStt: a speech spec in, a ready recognizer out. Configuration mistakes (no key, unknown model)
 * throw here, before any audio is sent.
 */
import type { SpeechSpec } from '../../../../shared/speech-spec';
import { LaneSpecError } from '../../../../shared/lane-spec';
import type { Clock } from '../../clock';
import type { ProviderEnv } from '../keys';
import { ModelManager } from '../../models/manager';
import { DEFAULT_LOCAL_STT_MODEL } from '../../models/registry';
import { UnknownModelError } from '../../models/errors';
import type { Stt } from './base';
import { LocalStt } from './local';
import { OpenAiCompatibleStt } from './openai-compatible';
import { resolveSttKey, STT_PRESETS } from './presets';
import type { RemoteSttProviderId } from './presets';
import { TypedStt } from './typed';

export { Stt } from './base';
export type { SttPrepareOptions, TranscribeContext } from './base';
export { SttError } from './errors';
export type { SttErrorCode } from './errors';
export { STT_SAMPLE_RATE } from './types';
export type { SttRequest, SttResult } from './types';
export { STT_PRESETS } from './presets';
export { LocalStt, unloadLocalStt } from './local';

export interface SttDeps {
  clock: Clock;
  /** Keys and model-cache settings: process.env in the app and the CLI. Required (see ../keys.ts). */
  env: ProviderEnv;
  /** The model manager for `local` (default: one for `env`). */
  models?: ModelManager;
}

export function createStt(spec: SpeechSpec, deps: SttDeps): Stt {
  const env = deps.env;
  switch (spec.provider) {
    case 'typed':
      return new TypedStt(deps.clock);
    case 'local': {
      const manager = deps.models ?? new ModelManager({ env });
      try {
        return new LocalStt({
          modelId: spec.model ?? DEFAULT_LOCAL_STT_MODEL,
          ...(spec.language ? { language: spec.language } : {}),
          manager,
          clock: deps.clock,
        });
      } catch (err) {
        if (err instanceof UnknownModelError) throw new LaneSpecError(`stt spec local: ${err.message}`);
        throw err;
      }
    }
    case 'groq':
    case 'openai':
    case 'openai-compatible': {
      const id: RemoteSttProviderId = spec.provider;
      const preset = STT_PRESETS[id];
      const baseURL = spec.url ?? preset.url;
      if (baseURL === '')
        throw new LaneSpecError(`${preset.label} speech-to-text needs url=http://host:port/v1`);
      const { key, advice } = resolveSttKey(id, spec, env);
      const model = spec.model ?? preset.defaultModel;
      return new OpenAiCompatibleStt({
        id,
        label: `${preset.label} · ${model}`,
        baseURL,
        model,
        apiKey: key,
        ...(spec.language ? { language: spec.language } : {}),
        failure: { label: `${preset.label} speech-to-text`, baseURL, keyAdvice: advice, key },
        clock: deps.clock,
      });
    }
    default:
      throw new LaneSpecError(`unknown stt provider "${spec.provider}"`);
  }
}

export { ensureModel, ModelManager } from './manager';
export type {
  EnsureModelOptions,
  ModelLocation,
  ModelManagerOptions,
  ModelProgress,
  ModelStatus,
} from './manager';
export { ModelMissingError, ModelVerifyError, UnknownModelError } from './errors';
export {
  DEFAULT_KOKORO_MODEL,
  DEFAULT_LOCAL_STT_MODEL,
  DEFAULT_MODEL_HUB,
  MODELS,
  modelSizeBytes,
} from './registry';
export type { ModelEntry, ModelFile, MoonshineShape } from './registry';
export { modelsDir } from './paths';

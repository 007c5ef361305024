/**
 * How fetching or locating a model fails, each as one line a presenter can act on. None is retryable:
 * asking again for the same model does not change what is on disk — the user fetches it (with
 * network), replaces a bad file or names a known model first.
 */
import { ProviderError } from '../errors';

export type ModelErrorCode =
  | 'model_missing' // not downloaded, and not downloadable now
  | 'model_corrupt' // a downloaded file failed its size or SHA-256 check
  | 'unknown_model'; // the registry has no such id

/** The model is not in the cache and was not (or could not be) downloaded. */
export class ModelMissingError extends ProviderError<ModelErrorCode> {
  override name = 'ModelMissingError';
  constructor(
    readonly modelId: string,
    /** The folder the files are expected in. */
    readonly dir: string,
    /** Why it is missing now: "offline mode", "could not reach https://… (connection refused)". */
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      'model',
      'model_missing',
      `model ${modelId} is not downloaded (${reason}); it belongs in ${dir} — ` +
        `fetch it with: bin/dialtone models fetch ${modelId}`,
      false,
      options,
    );
  }
}

/** A downloaded file was not what the registry says (wrong size or SHA-256); it was deleted. */
export class ModelVerifyError extends ProviderError<ModelErrorCode> {
  override name = 'ModelVerifyError';
  constructor(
    readonly modelId: string,
    readonly file: string,
    message: string,
  ) {
    super('model', 'model_corrupt', message, false);
  }
}

export class UnknownModelError extends ProviderError<ModelErrorCode> {
  override name = 'UnknownModelError';
  constructor(
    readonly modelId: string,
    known: readonly string[],
  ) {
    super('model', 'unknown_model', `unknown model "${modelId}" (known: ${known.join(', ')})`, false);
  }
}

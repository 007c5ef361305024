/** How fetching or locating a model fails, each as one line a presenter can act on. */

/** The model is not in the cache and was not (or could not be) downloaded. */
export class ModelMissingError extends Error {
  override name = 'ModelMissingError';
  /** Fetching it later (with network) may succeed. */
  readonly retryable = true;
  constructor(
    readonly modelId: string,
    /** The folder the files are expected in. */
    readonly dir: string,
    /** Why it is missing now: "offline mode", "could not reach https://… (connection refused)". */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `model ${modelId} is not downloaded (${reason}); it belongs in ${dir} — ` +
        `fetch it with: bin/dialtone models fetch ${modelId}`,
      options,
    );
  }
}

/** A downloaded file was not what the registry says (wrong size or SHA-256); it was deleted. */
export class ModelVerifyError extends Error {
  override name = 'ModelVerifyError';
  readonly retryable = false;
  constructor(
    readonly modelId: string,
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
  readonly retryable = false;
  constructor(
    readonly modelId: string,
    known: readonly string[],
  ) {
    super(`unknown model "${modelId}" (known: ${known.join(', ')})`);
  }
}

/**
 * One error type for every stage. An LLM, STT or TTS provider, a model download and the engine itself
 * all fail as a `ProviderError` (or a subclass that fixes its stage and its codes), and every such
 * failure reaches the user through `errorEvent`, the one place that builds the protocol's `error` event.
 * Cancellation is not an error: an aborted turn ends quietly and never gets here.
 */
import { errorMessage } from '../../shared/error-message';
import type { EngineEvent } from '../../shared/protocol';

export type ErrorEvent = Extract<EngineEvent, { type: 'error' }>;
/** The stages the protocol's `error` event names. */
export type ErrorStage = ErrorEvent['stage'];

/** Where a failure happened: a protocol stage, or a model (fetched or loaded for STT or TTS alike). */
export type ProviderStage = ErrorStage | 'model';

/** What a provider said beyond the sentence: its HTTP status, its wait hint, the original error. */
export interface ProviderErrorDetail {
  status?: number;
  /** How long the provider asked us to wait before sending again, ms (429 only). */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError<Code extends string = string> extends Error {
  override name = 'ProviderError';
  constructor(
    readonly stage: ProviderStage,
    /** Machine-readable kind, e.g. `auth`, `rate_limited`, `model_missing`. */
    readonly code: Code,
    /** One sentence a presenter can act on; names the provider, never contains a key. */
    message: string,
    /**
     * True when the same request, sent again unchanged, may succeed (429, 5xx, network, stall, stream
     * cut); false when something must change first (the key, the spec, a model download, the lane's STT).
     */
    readonly retryable: boolean,
    readonly extra: ProviderErrorDetail = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  }
  get status(): number | undefined {
    return this.extra.status;
  }
  /** How long the provider asked us to wait before retrying, ms (429 only). */
  get retryAfterMs(): number | undefined {
    return this.extra.retryAfterMs;
  }
}

export { errorMessage };

/** Which lane, turn and stage an error is reported on (a model error is shown on the stage that asked). */
export interface ErrorWhere {
  laneId?: string;
  turnId?: string;
  stage: ErrorStage;
}

/**
 * The protocol's `error` event for anything thrown: code, retryability and wait hint from a
 * ProviderError; anything else is a fault of ours, `internal` and not retryable.
 */
export function errorEvent(err: unknown, where: ErrorWhere): ErrorEvent {
  const known = err instanceof ProviderError ? err : undefined;
  const retryAfterMs = known?.retryAfterMs;
  return {
    type: 'error',
    ...(where.laneId === undefined ? {} : { laneId: where.laneId }),
    ...(where.turnId === undefined ? {} : { turnId: where.turnId }),
    stage: where.stage,
    code: known?.code ?? 'internal',
    message: errorMessage(err),
    retryable: known?.retryable ?? false,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/**
 * The stall timeout can be set from the environment: `DIALTONE_STALL_TIMEOUT_MS=1500 dialtone chat …`.
 * A provider that sends no byte for this long fails as `stalled`. The default (20 s) suits real
 * providers; tests and rehearsals of a silent server set it short so the failure shows in seconds.
 */
import { LaneSpecError } from '../../../../shared/lane-spec';
import type { ProviderEnv } from '../keys';

export const STALL_TIMEOUT_ENV = 'DIALTONE_STALL_TIMEOUT_MS';
const MIN_STALL_TIMEOUT_MS = 100;
const MAX_STALL_TIMEOUT_MS = 600_000;

/** The variable's value in ms; undefined when unset or empty. Anything else but a sane number throws. */
export function stallTimeoutFromEnv(env: ProviderEnv): number | undefined {
  const raw = env[STALL_TIMEOUT_ENV]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < MIN_STALL_TIMEOUT_MS || ms > MAX_STALL_TIMEOUT_MS) {
    throw new LaneSpecError(
      `${STALL_TIMEOUT_ENV} must be a whole number of milliseconds from ${MIN_STALL_TIMEOUT_MS} to ` +
        `${MAX_STALL_TIMEOUT_MS.toLocaleString('en-US')}, not "${raw.slice(0, 40)}"`,
    );
  }
  return ms;
}

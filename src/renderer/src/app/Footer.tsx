import { useAppStore } from '../store/use-app-store';
import type { ConnectionInfo } from '../engine-client';

function connectionText(c: ConnectionInfo): string {
  switch (c.status) {
    case 'open':
      return 'engine connected';
    case 'connecting':
      return 'connecting to the engine…';
    case 'reconnecting': {
      const wait = c.retryInMs === undefined ? '' : ` in ${(c.retryInMs / 1000).toFixed(1)} s`;
      return `engine disconnected, reconnecting${wait} (attempt ${c.attempt})`;
    }
    case 'stopped':
      return 'engine connection closed';
  }
}

export function Footer() {
  const connection = useAppStore((s) => s.connection);
  const clock = useAppStore((s) => s.clock);
  const invalid = useAppStore((s) => s.invalidEvents);
  const invalidReason = useAppStore((s) => s.lastInvalidReason);
  const syncText =
    clock === null
      ? 'clock: not synced'
      : Number.isFinite(clock.boundMs)
        ? `clock offset ${clock.offsetMs >= 0 ? '+' : ''}${clock.offsetMs.toFixed(1)} ms ± ${clock.boundMs.toFixed(2)} ms`
        : 'clock: syncing…';
  return (
    <footer className="app-foot">
      <span
        className={`conn conn-${connection.status}`}
        data-testid="connection-status"
        data-status={connection.status}
        title={connection.reason}
      >
        {connectionText(connection)}
      </span>
      {connection.status === 'reconnecting' && connection.reason && (
        <span className="conn-reason" data-testid="connection-reason">
          {connection.reason}
        </span>
      )}
      {connection.status === 'open' && connection.lastDrop && (
        <span className="conn-reason" data-testid="connection-reason">
          reconnected: {connection.lastDrop}
        </span>
      )}
      <span className="clock" data-testid="clock-sync">
        {syncText}
      </span>
      {invalid > 0 && (
        <span className="invalid" data-testid="invalid-events" title={invalidReason ?? undefined}>
          {invalid} invalid engine event{invalid === 1 ? '' : 's'} dropped
        </span>
      )}
    </footer>
  );
}

import { useState } from 'react';
import { useAppStore } from '../store/use-app-store';
import type { ConnectionInfo } from '../engine-client';

function connectionText(c: ConnectionInfo): string {
  switch (c.status) {
    case 'open':
      return 'engine connected';
    case 'connecting':
      return 'connecting to the engine…';
    case 'reconnecting': {
      // The token check said what is wrong: say that, in the page's own words, not a close code.
      if (c.problem !== undefined && c.reason) return c.reason;
      const wait = c.retryInMs === undefined ? '' : ` in ${(c.retryInMs / 1000).toFixed(1)} s`;
      return `engine disconnected, reconnecting${wait} (attempt ${c.attempt})`;
    }
    case 'stopped':
      return 'engine connection closed';
  }
}

/** The read-only /overlay address for OBS (the same on every launch) and a button that copies it. */
function OverlayLink({ url }: { url: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = (): void => {
    navigator.clipboard
      .writeText(url)
      .then(() => setCopied('yes'))
      .catch(() => setCopied('no'));
  };
  return (
    <span className="overlay-link" data-testid="overlay-link">
      <span>OBS overlay (read-only):</span>
      <input
        readOnly
        value={url}
        size={Math.min(url.length, 60)}
        aria-label="Overlay address"
        data-testid="overlay-url"
        onFocus={(e) => e.currentTarget.select()}
      />
      <button type="button" data-testid="overlay-copy" onClick={copy}>
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'no' && <span className="invalid">select the address and copy it by hand</span>}
    </span>
  );
}

/** Past this uncertainty the timings on the page may be off by a visible amount, ms. */
const ROUGH_SYNC_MS = 5;

export function Footer() {
  const overlayUrl = useAppStore((s) => s.overlayUrl);
  const connection = useAppStore((s) => s.connection);
  const clock = useAppStore((s) => s.clock);
  const invalid = useAppStore((s) => s.invalidEvents);
  const invalidReason = useAppStore((s) => s.lastInvalidReason);
  // The stage shows how well the clocks agree, in words; the raw offset (the engine's clock counts from
  // its start, so it reads like "+32337.6 ms" to an audience) only in the tooltip.
  const synced = clock !== null && Number.isFinite(clock.boundMs);
  const syncText =
    clock === null
      ? 'clock: not synced'
      : synced
        ? `clock ${clock.boundMs <= ROUGH_SYNC_MS ? 'synced' : 'sync rough'} ± ${clock.boundMs.toFixed(2)} ms`
        : 'clock: syncing…';
  const syncDetail = synced
    ? `engine clock offset ${clock.offsetMs >= 0 ? '+' : ''}${clock.offsetMs.toFixed(1)} ms from this page's`
    : undefined;
  return (
    <footer className="app-foot">
      <span
        className={`conn conn-${connection.status}`}
        data-testid="connection-status"
        data-status={connection.status}
        data-problem={connection.status === 'reconnecting' ? connection.problem : undefined}
        title={connection.reason}
      >
        {connectionText(connection)}
      </span>
      {connection.status === 'reconnecting' && connection.problem !== undefined && (
        <span className="conn-reason" data-testid="connection-reason">
          retrying every {((connection.retryInMs ?? 0) / 1000).toFixed(0)} s
        </span>
      )}
      {connection.status === 'reconnecting' && connection.problem === undefined && connection.reason && (
        <span className="conn-reason" data-testid="connection-reason">
          {connection.reason}
        </span>
      )}
      {connection.status === 'open' && connection.lastDrop && (
        <span className="conn-reason" data-testid="connection-reason">
          reconnected: {connection.lastDrop}
        </span>
      )}
      <span className="clock" data-testid="clock-sync" title={syncDetail}>
        {syncText}
      </span>
      {overlayUrl !== null && <OverlayLink url={overlayUrl} />}
      {invalid > 0 && (
        <span className="invalid" data-testid="invalid-events" title={invalidReason ?? undefined}>
          {invalid} invalid engine event{invalid === 1 ? '' : 's'} dropped
        </span>
      )}
    </footer>
  );
}

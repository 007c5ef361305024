/**
 * A lane's two stage figures: the live "waiting…" counter (painted once per animation frame while a
 * turn is in flight, never through React state) and the last turn's silence split into its segments.
 */
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useOverlay } from '../overlay/overlay-services';
import { formatMs, SEGMENTS } from '../overlay/segments';
import { waiting, waitingText } from './waiting';

export function WaitingCounter({ laneId }: { laneId: string }) {
  const overlay = useOverlay();
  const el = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    let frame = 0;
    let shown = '';
    const paint = (): void => {
      const node = el.current;
      const app = overlay.app.getState();
      const tts = app.lanes[laneId]?.speech.tts;
      // A lane that does not speak waits for its first token instead of its first sound.
      const speech = tts !== undefined && tts !== 'none';
      const sync = app.clock;
      const now = sync === null ? null : performance.now() + sync.offsetMs;
      const w = waiting(overlay.live.turn(laneId), now, speech);
      const text = waitingText(w) || 'ready';
      if (node && text !== shown) {
        shown = text;
        node.textContent = text;
        node.dataset.running = String(w.running);
        node.dataset.ms = w.ms === null ? '' : String(Math.round(w.ms));
      }
      frame = requestAnimationFrame(paint);
    };
    frame = requestAnimationFrame(paint);
    return () => cancelAnimationFrame(frame);
  }, [overlay, laneId]);
  return <p className="stage-waiting stage-figure" data-testid="stage-waiting" ref={el} />;
}

/** The last finished turn's gap, segment by segment: where the silence went. */
export function SilenceBreakdown({ laneId }: { laneId: string }) {
  const overlay = useOverlay();
  const last = useStore(overlay.store, (s) => {
    const turns = s.history[laneId];
    return turns?.[turns.length - 1]?.timeline ?? null;
  });
  const bar = useRef<HTMLDivElement>(null);
  const parts = last
    ? SEGMENTS.flatMap((def) => (last[def.key] === null ? [] : [{ def, ms: last[def.key]! }]))
    : [];
  const total = parts.reduce((n, p) => n + Math.max(0, p.ms), 0);
  // CSSOM, not style attributes: the page's CSP has no inline styles.
  useEffect(() => {
    const node = bar.current;
    if (!node) return;
    [...node.children].forEach((child, i) => {
      const p = parts[i];
      if (!p || !(child instanceof HTMLElement)) return;
      child.style.flexGrow = String(total > 0 ? Math.max(0, p.ms) / total : 0);
      child.style.background = p.def.color;
    });
  });
  if (!last) {
    return (
      <div className="stage-breakdown" data-testid="stage-breakdown" data-empty="true">
        <span className="stage-label">where the silence went: after the first reply</span>
      </div>
    );
  }
  const gap = last.gapMs;
  return (
    <div className="stage-breakdown" data-testid="stage-breakdown" data-empty="false">
      <span className="stage-label">
        {gap === null ? 'first token after' : 'silence'}{' '}
        <b data-testid="stage-gap">{formatMs(gap ?? last.ttftMs)}</b>
      </span>
      <div className="stage-bar" ref={bar} aria-hidden="true">
        {parts.map((p) => (
          <i key={p.def.key} />
        ))}
      </div>
      <ul className="stage-segments">
        {parts.map((p) => (
          <li key={p.def.key} data-segment={p.def.key}>
            <i className={`swatch swatch-${p.def.key}`} />
            {p.def.label} {formatMs(p.ms)}
          </li>
        ))}
      </ul>
    </div>
  );
}

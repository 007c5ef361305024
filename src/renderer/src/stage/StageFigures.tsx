/**
 * A lane's two stage figures: the live "waiting…" counter (painted once per animation frame while a
 * turn is in flight, never through React state) and the silence before the reply being heard (else the
 * last turn) split into its segments.
 */
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { useOverlay } from '../overlay/overlay-services';
import { addedWait } from '../overlay/models';
import { formatMs } from '../overlay/segments';
import { audibleLiveTurn, breakdownOf } from './breakdown';
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

/** Re-renders when the lane's reply becomes audible (checked once per animation frame, no React state per frame). */
function useAudibleTurn(laneId: string): string | null {
  const overlay = useOverlay();
  const [turnId, setTurnId] = useState<string | null>(null);
  useEffect(() => {
    let frame = 0;
    let shown: string | null = null;
    const check = (): void => {
      const now = audibleLiveTurn(overlay.live.turn(laneId));
      if (now !== shown) {
        shown = now;
        setTurnId(now);
      }
      frame = requestAnimationFrame(check);
    };
    frame = requestAnimationFrame(check);
    return () => cancelAnimationFrame(frame);
  }, [overlay, laneId]);
  return turnId;
}

/** Where the silence went, segment by segment: the reply being heard, else the last finished turn. */
export function SilenceBreakdown({ laneId }: { laneId: string }) {
  const overlay = useOverlay();
  const lastTurn = useStore(overlay.store, (s) => s.history[laneId]?.at(-1) ?? null);
  const audible = useAudibleTurn(laneId);
  const shown = breakdownOf(
    lastTurn?.timeline ?? null,
    lastTurn?.turnId ?? null,
    audible === null ? null : overlay.live.turn(laneId),
  );
  const bar = useRef<HTMLDivElement>(null);
  const placed = shown?.placed ?? [];
  // The bar is as long as the silence; the labels give each stage's own time.
  const stack = addedWait(placed);
  const total = stack.reduce((n, p) => n + p.ms, 0);
  // CSSOM, not style attributes: the page's CSP has no inline styles.
  useEffect(() => {
    const node = bar.current;
    if (!node) return;
    [...node.children].forEach((child, i) => {
      const p = stack[i];
      if (!p || !(child instanceof HTMLElement)) return;
      child.style.flexGrow = String(total > 0 ? p.ms / total : 0);
      child.style.background = p.def.color;
    });
  });
  if (!shown) {
    return (
      <div className="stage-breakdown" data-testid="stage-breakdown" data-empty="true">
        <span className="stage-label">where the silence went: after the first reply</span>
      </div>
    );
  }
  const gap = shown.gapMs;
  return (
    <div
      className="stage-breakdown"
      data-testid="stage-breakdown"
      data-empty="false"
      data-turn-id={shown.turnId ?? ''}
    >
      <span className="stage-label">
        {gap === null ? 'first token after' : 'silence'}{' '}
        <b data-testid="stage-gap">{formatMs(gap ?? shown.ttftMs)}</b>
      </span>
      <div className="stage-bar" ref={bar} aria-hidden="true">
        {stack.map((p) => (
          <i key={p.def.key} />
        ))}
      </div>
      <ul className="stage-segments">
        {placed.map((p) => (
          <li key={p.def.key} data-segment={p.def.key}>
            <i className={`swatch swatch-${p.def.key}`} />
            {p.def.label} {formatMs(p.ms)}
          </li>
        ))}
      </ul>
    </div>
  );
}

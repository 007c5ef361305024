import { useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import { useServices } from '../app/services';
import type { LaneView, TurnView } from '../store/app-store';
import { isFollowing, scrollToEnd, updateFollowing, type TextKind } from '../stream/painter';

/**
 * The lane's conversation: settled history from the engine, then the latest turn, whose text the
 * painter streams in. The latest turn is drawn from live data even after it lands in history, so
 * the text the audience is reading never jumps.
 */
export function Conversation({ lane, turn }: { lane: LaneView; turn: TurnView | undefined }) {
  const liveId = turn?.turnId ?? null;
  const entries = useMemo(
    () => (liveId === null ? lane.history : lane.history.filter((e) => e.turnId !== liveId)),
    [lane.history, liveId],
  );
  const last = entries[entries.length - 1];
  // Bot-to-bot runs: who is saying the line in flight (the engine lists it in history once it ends).
  const liveSpeaker =
    liveId === null ? undefined : lane.history.find((e) => e.turnId === liveId && e.speaker)?.speaker;
  // While sending, the engine may already list the message in history: show it once.
  const sendingShown =
    turn?.status === 'sending' &&
    last?.role === 'user' &&
    last.text === turn.userText &&
    last.turnId !== undefined;
  // Bot-to-bot runs: the live line's "user text" is the other bot's line, already shown (or empty).
  const botEcho =
    turn !== undefined &&
    (turn.userText === '' || (last?.speaker !== undefined && last.text === turn.userText));

  const scroller = useRef<HTMLDivElement>(null);
  // Sending a message brings the conversation back to its end; new structure keeps it there.
  const sending = turn?.status === 'sending';
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (sending) el.dataset.follow = 'true';
    if (isFollowing(el)) scrollToEnd(el);
  }, [sending, entries.length, turn?.turnId, turn?.status, turn?.hasReasoning]);

  return (
    <div
      className="conversation"
      data-autoscroll
      data-testid="conversation"
      ref={scroller}
      onScroll={(e) => updateFollowing(e.currentTarget)}
    >
      {entries.length === 0 && !turn && lane.omittedEntries === 0 && (
        <p className="hint">Ask anything — the reply streams at the backend’s speed.</p>
      )}
      {lane.omittedEntries > 0 && (
        <p className="hint" data-testid="omitted-entries">
          {lane.omittedEntries.toLocaleString('en-US')} earlier messages not shown
        </p>
      )}
      {entries.map((e, i) =>
        e.role === 'user' ? (
          <div key={i} className="msg user" data-testid="user-message" data-speaker={e.speaker}>
            {e.speaker !== undefined && <b className="msg-speaker">{e.speaker}</b>}
            {e.text}
          </div>
        ) : (
          <div
            key={i}
            className="msg assistant"
            data-testid="assistant-message"
            data-status={e.interrupted ? 'interrupted' : 'done'}
            data-speaker={e.speaker}
          >
            {e.speaker !== undefined && <b className="msg-speaker">{e.speaker}</b>}
            {e.text}
          </div>
        ),
      )}
      {turn && !sendingShown && !botEcho && (
        <div className={`msg user${turn.status === 'sending' ? ' sending' : ''}`} data-testid="user-message">
          {turn.userText}
        </div>
      )}
      {turn?.turnId != null && turn.hasReasoning && (
        <details className="msg reasoning" data-testid="reasoning">
          <summary>reasoning (hidden from the answer)</summary>
          <LiveText laneId={lane.laneId} turnId={turn.turnId} kind="reasoning" className="reasoning-text" />
        </details>
      )}
      {turn?.turnId != null && (
        <div
          className="msg assistant live"
          data-testid="assistant-message"
          data-turn-id={turn.turnId}
          data-status={turn.status}
          data-speaker={liveSpeaker}
        >
          {liveSpeaker !== undefined && <b className="msg-speaker">{liveSpeaker}</b>}
          <LiveText laneId={lane.laneId} turnId={turn.turnId} kind="answer" className="msg-text" />
        </div>
      )}
    </div>
  );
}

/** An element React leaves empty; the painter appends the streamed text to it. */
function LiveText({
  laneId,
  turnId,
  kind,
  className,
}: {
  laneId: string;
  turnId: string;
  kind: TextKind;
  className: string;
}) {
  const { painter } = useServices();
  const attach = useCallback(
    (el: HTMLDivElement | null) => (el ? painter.attachText(el, laneId, turnId, kind) : undefined),
    [painter, laneId, turnId, kind],
  );
  return <div className={className} ref={attach} />;
}

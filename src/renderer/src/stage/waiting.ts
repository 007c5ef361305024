/**
 * The "waiting…" figure of a lane on stage: from the end of what the listener heard (the user's
 * speech, the other bot's line, or the typed request) to the reply's first audible sample, or its
 * first token on a lane that does not speak. Read from the overlay's live marks, which the engine's
 * events and this page's playback reports fill.
 */
import { inFlight, type LiveLaneTurn } from '../overlay/overlay-live';

export interface Waiting {
  /** Ms waited so far (running) or in all (done); null before any turn. */
  ms: number | null;
  running: boolean;
  /** The turn ended (cancelled, failed) before the listener heard a reply. */
  cut?: boolean;
}

export function waiting(turn: LiveLaneTurn | null, nowMs: number | null, speech: boolean): Waiting {
  if (turn === null) return { ms: null, running: false };
  if (turn.timeline) {
    const t = turn.timeline;
    return { ms: speech ? (t.gapMs ?? t.ttftMs) : t.ttftMs, running: false };
  }
  const m = turn.marks;
  const origin = m.lastVoicedAtMs ?? m.requestAtMs;
  if (origin === null) return { ms: null, running: false };
  const end = speech ? m.audibleAtMs : m.firstTokenAtMs;
  if (end !== null) return { ms: end - origin, running: false };
  const running = inFlight(turn);
  const now = running ? nowMs : turn.endedAtMs;
  return { ms: now === null ? null : Math.max(0, now - origin), running, ...(running ? {} : { cut: true }) };
}

/** "waiting… 1.4 s" while it runs, "replied in 0.7 s" once heard, "" before any turn. */
export function waitingText(w: Waiting): string {
  if (w.ms === null) return '';
  const s = `${(w.ms / 1000).toFixed(1)} s`;
  if (w.running) return `waiting… ${s}`;
  return w.cut ? `no reply, stopped at ${s}` : `replied in ${s}`;
}

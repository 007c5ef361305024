/** Turns live marks and finished timelines into what the drawings and the figures show. */
import type { TurnTimeline } from '../../../shared/metrics';
import type { DrawnSegment, HistoryBar, WaterfallModel } from './draw';
import { inFlight, type LiveLaneTurn, type LiveMarks } from './overlay-live';
import {
  formatMs,
  placeSegments,
  SEGMENTS,
  type PlacedSegment,
  type SegmentDef,
  type SegmentKey,
} from './segments';

/** Which marks bound each segment while the turn is in flight. */
const SPANS: Record<SegmentKey, [keyof LiveMarks, keyof LiveMarks]> = {
  endpointMs: ['lastVoicedAtMs', 'endpointAtMs'],
  sttMs: ['endpointAtMs', 'transcriptAtMs'],
  ttftMs: ['requestAtMs', 'firstTokenAtMs'],
  firstChunkMs: ['firstTokenAtMs', 'firstChunkAtMs'],
  ttsMs: ['firstChunkAtMs', 'firstAudioAtMs'],
  playoutMs: ['firstAudioAtMs', 'audibleAtMs'],
};

/** The gap's start: the listener's last voiced audio, or the request for typed input. */
function origin(marks: LiveMarks): number | null {
  return marks.lastVoicedAtMs ?? marks.requestAtMs;
}

/**
 * The waterfall of a lane's current turn at engine time `nowMs`. `speech` says whether the lane
 * speaks (a text-only lane has no chunk, TTS or playout to wait for). `passive` pages have no
 * player of their own, so the first audio at the engine stands in for "audible" until the
 * timeline arrives.
 */
export function waterfallModel(
  turn: LiveLaneTurn | null,
  nowMs: number | null,
  speech: boolean,
  passive = false,
): WaterfallModel {
  if (turn === null) return { segments: [], gapMs: null, gapRunning: false };
  if (turn.timeline) {
    const segments = placeSegments(turn.timeline).map((s) => ({ ...s, growing: false }));
    return { segments, gapMs: turn.timeline.gapMs, gapRunning: false };
  }
  const m = turn.marks;
  const o = origin(m);
  const running = inFlight(turn);
  const now = running ? nowMs : turn.endedAtMs;
  const segments: DrawnSegment[] = [];
  if (o === null) return { segments, gapMs: null, gapRunning: false };
  let grew = false;
  for (const def of SEGMENTS) {
    if (!speech && def.key !== 'ttftMs') continue;
    const [from, to] = SPANS[def.key];
    const start = m[from];
    const end = m[to];
    if (start === null) continue;
    if (end !== null) {
      segments.push({ def, startMs: start - o, ms: end - start, growing: false });
    } else if (!grew && now !== null) {
      segments.push({ def, startMs: start - o, ms: Math.max(0, now - start), growing: running });
      grew = true;
    }
  }
  if (!speech) return { segments, gapMs: null, gapRunning: false };
  const audible = m.audibleAtMs ?? (passive ? m.firstAudioAtMs : null);
  if (audible !== null) return { segments, gapMs: audible - o, gapRunning: false };
  return { segments, gapMs: now === null ? null : now - o, gapRunning: running };
}

/**
 * Segments as parts of a stack as tall as the gap: each placed where it ran, and one that began before
 * the one before it ended (a reply started at a pause, while the speaker might still go on) counts only
 * the wait it added, so the stack never outgrows the silence.
 */
export function addedWait(placed: readonly PlacedSegment[]): { def: SegmentDef; ms: number }[] {
  let coveredMs = 0;
  return placed.flatMap(({ def, startMs, ms }) => {
    const endMs = startMs + ms;
    const addedMs = endMs - Math.max(startMs, coveredMs);
    coveredMs = Math.max(coveredMs, endMs);
    return addedMs > 0 ? [{ def, ms: addedMs }] : [];
  });
}

/** A finished turn as a stacked bar as tall as its gap; text-only turns still show their TTFT. */
export function historyBar(t: TurnTimeline): HistoryBar {
  const segments = addedWait(placeSegments(t));
  const caption = t.gapMs !== null ? formatMs(t.gapMs).replace(' ms', '') : spokenTurn(t) ? '—' : 'text';
  return { segments, caption };
}

/**
 * The turn was spoken (speech was synthesized), whether or not a player reported it audible: with
 * no player reporting (audio not enabled in the page, or only the /overlay page open) the gap is
 * unknown, which is not the same as a text-only turn.
 */
export function spokenTurn(t: TurnTimeline): boolean {
  return t.ttsMs !== null || t.speechMs !== null || t.at.firstAudioAtMs !== null;
}

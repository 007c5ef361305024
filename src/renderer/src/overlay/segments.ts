/**
 * The overlay's vocabulary: the segments of a turn's gap (docs/ARCHITECTURE.md, "The one clock"),
 * their colours (the same on every chart and in the PNG), the reference lines, and the
 * small statistics the panels show.
 */
import type { TurnTimeline } from '../../../shared/metrics';

export type SegmentKey = 'endpointMs' | 'sttMs' | 'ttftMs' | 'firstChunkMs' | 'ttsMs' | 'playoutMs';

export interface SegmentDef {
  key: SegmentKey;
  label: string;
  color: string;
  /** Decided by the backend's token speed (TTFT and the wait for the first speakable chunk). */
  tokenSpeed: boolean;
}

export const SEGMENTS: readonly SegmentDef[] = [
  { key: 'endpointMs', label: 'endpoint', color: '#7f8ea3', tokenSpeed: false },
  { key: 'sttMs', label: 'STT', color: '#b07cff', tokenSpeed: false },
  { key: 'ttftMs', label: 'TTFT', color: '#ffd23f', tokenSpeed: true },
  { key: 'firstChunkMs', label: 'first chunk', color: '#ff8c1a', tokenSpeed: true },
  { key: 'ttsMs', label: 'TTS', color: '#3ddc84', tokenSpeed: false },
  { key: 'playoutMs', label: 'playout', color: '#4fd1ff', tokenSpeed: false },
];

export interface ReferenceLine {
  ms: number;
  label: string;
  color: string;
}

export const REFERENCES: readonly ReferenceLine[] = [
  { ms: 200, label: 'human ~200 ms', color: '#3ddc84' },
  { ms: 320, label: 'GPT-4o ~320 ms', color: '#4fd1ff' },
  { ms: 1_000, label: 'awkward 1 s', color: '#ff5a5f' },
];

/** Tokens a bot speaks per second (≈ 150 words a minute at ~1.3 tokens a word). */
export const SPEECH_TPS = 3;

/** The q-quantile (0–1) by linear interpolation; null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * "context trimmed" for a turn whose request left the oldest messages out to fit the lane's context
 * window; null when the whole conversation went in (or the turn predates context reports).
 */
export function contextNote(t: TurnTimeline | undefined): string | null {
  const c = t?.context;
  if (!c || c.droppedEntries === 0) return null;
  const n = c.droppedEntries.toLocaleString('en-US');
  const window = `${Math.round(c.budgetChars / 1000).toLocaleString('en-US')}k chars`;
  return `context trimmed: ${n} oldest message${c.droppedEntries === 1 ? '' : 's'} left out (window ${window})`;
}

/** "1,234 ms" / "—". */
export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms)
    ? '—'
    : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/** "2,000 tok/s" / "—"; fractional below 10. */
export function formatTps(tps: number | null | undefined): string {
  if (tps === null || tps === undefined || !Number.isFinite(tps)) return '—';
  return `${tps < 10 ? tps.toFixed(1) : Math.round(tps).toLocaleString('en-US')} tok/s`;
}

/** Where each segment of a finished turn starts, relative to the start of the gap (ms). */
export interface PlacedSegment {
  def: SegmentDef;
  startMs: number;
  ms: number;
}

/**
 * Places a finished turn's segments on its own time axis (0 = last voiced audio, or the request
 * for typed input), from the engine-clock anchors where they exist, else end to end.
 */
export function placeSegments(t: TurnTimeline): PlacedSegment[] {
  const origin = t.at.lastVoicedAtMs ?? t.at.requestAtMs ?? 0;
  const anchorStart: Record<SegmentKey, number | null> = {
    endpointMs: t.at.lastVoicedAtMs,
    sttMs: t.at.endpointAtMs,
    ttftMs: t.at.requestAtMs,
    firstChunkMs: t.at.firstTokenAtMs,
    ttsMs: t.at.firstChunkAtMs,
    playoutMs: t.at.firstAudioAtMs,
  };
  const out: PlacedSegment[] = [];
  let cursor = 0;
  for (const def of SEGMENTS) {
    const ms = t[def.key];
    if (ms === null) continue;
    const anchored = anchorStart[def.key];
    const startMs = anchored === null ? cursor : anchored - origin;
    out.push({ def, startMs, ms });
    cursor = startMs + ms;
  }
  return out;
}

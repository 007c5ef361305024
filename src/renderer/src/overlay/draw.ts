/**
 * Canvas drawings of the overlay: the waterfall of one turn, the token-rate sparkline and the
 * history bars. Plain functions of (context, size, data), so the live painter, React effects and
 * the PNG export draw exactly the same pictures. Sizes are logical pixels.
 */
import { REFERENCES, SEGMENTS, SPEECH_TPS, type PlacedSegment, type SegmentDef } from './segments';
import type { RateTrace } from './overlay-live';

export const FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Roboto, sans-serif";
const TEXT = '#f2f4f7';
const MUTED = '#9aa6b5';
const GRID = '#2c3440';
const GAP_COLOR = '#f2f4f7';

export type Ctx = CanvasRenderingContext2D;

/** A segment as drawn: `growing` ones end at "now" and are still running. */
export interface DrawnSegment extends PlacedSegment {
  growing: boolean;
}

export interface WaterfallModel {
  segments: DrawnSegment[];
  /** Gap end relative to the gap's start (ms), or "now" while it runs; null for text-only turns. */
  gapMs: number | null;
  gapRunning: boolean;
}

/** Sets up a canvas for logical size w×h at the device pixel ratio; returns its context. */
export function prepare(canvas: HTMLCanvasElement, w: number, h: number): Ctx | null {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

let stripes: CanvasPattern | null = null;
/** Diagonal stripes that mark the token-speed segments (TTFT, first chunk) on every chart. */
function tokenSpeedPattern(ctx: Ctx): CanvasPattern | null {
  if (stripes) return stripes;
  const tile = document.createElement('canvas');
  tile.width = tile.height = 10;
  const t = tile.getContext('2d');
  if (!t) return null;
  t.strokeStyle = 'rgba(0,0,0,0.35)';
  t.lineWidth = 3;
  t.beginPath();
  t.moveTo(-2, 12);
  t.lineTo(12, -2);
  t.stroke();
  stripes = ctx.createPattern(tile, 'repeat');
  return stripes;
}

function fillSegment(ctx: Ctx, def: SegmentDef, x: number, y: number, w: number, h: number, alpha = 1): void {
  ctx.globalAlpha = alpha;
  ctx.fillStyle = def.color;
  ctx.fillRect(x, y, w, h);
  if (def.tokenSpeed) {
    const pattern = tokenSpeedPattern(ctx);
    if (pattern) {
      ctx.fillStyle = pattern;
      ctx.fillRect(x, y, w, h);
    }
    ctx.strokeStyle = TEXT;
    ctx.lineWidth = 2;
    ctx.strokeRect(x + 1, y + 1, Math.max(0, w - 2), h - 2);
  }
  ctx.globalAlpha = 1;
}

/** A scale's top: at least 1.2 s (so the reference lines show), else the data plus headroom. */
export function scaleMax(ms: number): number {
  const need = Math.max(1_200, ms * 1.1);
  const step = need <= 3_000 ? 500 : need <= 10_000 ? 1_000 : 5_000;
  return Math.ceil(need / step) * step;
}

function tickStep(maxMs: number): number {
  return maxMs <= 1_500 ? 200 : maxMs <= 3_000 ? 500 : maxMs <= 10_000 ? 1_000 : 5_000;
}

/** One row per segment on a shared time axis (0 = the listener's last voiced audio), plus the gap. */
export function drawWaterfall(ctx: Ctx, w: number, h: number, model: WaterfallModel): void {
  const labelW = 150;
  const top = 34;
  const bottom = 28;
  const rows = SEGMENTS.length + 1;
  const rowH = (h - top - bottom) / rows;
  const ends = model.segments.map((s) => s.startMs + s.ms);
  const maxMs = scaleMax(Math.max(model.gapMs ?? 0, ...ends, 0));
  const x = (ms: number): number => labelW + (Math.max(0, ms) / maxMs) * (w - labelW - 12);

  ctx.font = `16px ${FONT}`;
  ctx.textBaseline = 'middle';
  const step = tickStep(maxMs);
  for (let ms = 0; ms <= maxMs; ms += step) {
    ctx.strokeStyle = GRID;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x(ms), top);
    ctx.lineTo(x(ms), h - bottom);
    ctx.stroke();
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'center';
    ctx.fillText(ms >= 1000 ? `${ms / 1000} s` : `${ms}`, x(ms), h - bottom / 2);
  }

  SEGMENTS.forEach((def, i) => {
    const y = top + i * rowH;
    ctx.fillStyle = def.tokenSpeed ? '#ffe58a' : MUTED;
    ctx.textAlign = 'left';
    ctx.font = `${def.tokenSpeed ? 'bold ' : ''}18px ${FONT}`;
    ctx.fillText(def.label, 8, y + rowH / 2);
    const seg = model.segments.find((s) => s.def.key === def.key);
    if (!seg) return;
    const x0 = x(seg.startMs);
    const x1 = Math.max(x0 + 3, x(seg.startMs + seg.ms));
    fillSegment(ctx, def, x0, y + 4, x1 - x0, rowH - 8, seg.growing ? 0.6 : 1);
    ctx.fillStyle = TEXT;
    ctx.font = `bold 16px ${FONT}`;
    const label = `${Math.round(seg.ms)} ms`;
    const inside = x1 + ctx.measureText(label).width + 8 > w;
    ctx.textAlign = inside ? 'right' : 'left';
    ctx.fillText(label, inside ? x0 - 6 : x1 + 6, y + rowH / 2);
  });

  const gy = top + SEGMENTS.length * rowH;
  ctx.font = `bold 20px ${FONT}`;
  ctx.textAlign = 'left';
  ctx.fillStyle = TEXT;
  ctx.fillText('gap', 8, gy + rowH / 2);
  if (model.gapMs !== null) {
    ctx.globalAlpha = model.gapRunning ? 0.55 : 1;
    ctx.fillStyle = GAP_COLOR;
    ctx.fillRect(x(0), gy + 3, Math.max(3, x(model.gapMs) - x(0)), rowH - 6);
    ctx.globalAlpha = 1;
  }

  ctx.font = `bold 15px ${FONT}`;
  REFERENCES.forEach((ref, i) => {
    if (ref.ms > maxMs) return;
    ctx.strokeStyle = ref.color;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 5]);
    ctx.beginPath();
    ctx.moveTo(x(ref.ms), top - 4);
    ctx.lineTo(x(ref.ms), h - bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = ref.color;
    ctx.textAlign = i === 0 ? 'right' : 'left';
    ctx.fillText(ref.label, x(ref.ms) + (i === 0 ? -4 : 4), i === 1 ? top - 8 : 12);
  });
}

/** tok/s between successive samples at least `windowMs` apart. */
export function rateSeries(rate: RateTrace, windowMs = 100): { t: number; tps: number }[] {
  const out: { t: number; tps: number }[] = [];
  const { timesMs, tokens } = rate;
  let j = 0;
  for (let i = 1; i < timesMs.length; i++) {
    const dt = timesMs[i]! - timesMs[j]!;
    if (dt < windowMs && i < timesMs.length - 1) continue;
    if (dt > 0) out.push({ t: timesMs[i]! - timesMs[0]!, tps: ((tokens[i]! - tokens[j]!) * 1000) / dt });
    j = i;
  }
  return out;
}

const LOG_MIN = 1;
const LOG_MAX = 30_000;

/** tok/s over the stream on a log axis, with the rate a bot speaks at for comparison. */
export function drawSparkline(ctx: Ctx, w: number, h: number, series: { t: number; tps: number }[]): void {
  const left = 64;
  const pad = 10;
  const y = (tps: number): number => {
    const v = Math.log10(Math.min(LOG_MAX, Math.max(LOG_MIN, tps)));
    return (
      h - pad - ((v - Math.log10(LOG_MIN)) / (Math.log10(LOG_MAX) - Math.log10(LOG_MIN))) * (h - 2 * pad)
    );
  };
  ctx.font = `14px ${FONT}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (const tps of [10, 100, 1_000, 10_000]) {
    ctx.strokeStyle = GRID;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, y(tps));
    ctx.lineTo(w, y(tps));
    ctx.stroke();
    ctx.fillStyle = MUTED;
    ctx.fillText(tps >= 1000 ? `${tps / 1000}k` : String(tps), left - 6, y(tps));
  }
  ctx.strokeStyle = '#3ddc84';
  ctx.lineWidth = 2;
  ctx.setLineDash([6, 5]);
  ctx.beginPath();
  ctx.moveTo(left, y(SPEECH_TPS));
  ctx.lineTo(w, y(SPEECH_TPS));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = '#3ddc84';
  ctx.textAlign = 'left';
  ctx.font = `bold 14px ${FONT}`;
  ctx.fillText(`speech ~${SPEECH_TPS} tok/s`, left + 6, y(SPEECH_TPS) - 10);
  if (series.length === 0) return;
  const tMax = Math.max(1_000, series[series.length - 1]!.t);
  const x = (t: number): number => left + (t / tMax) * (w - left - 4);
  ctx.strokeStyle = '#ffd23f';
  ctx.lineWidth = 3;
  ctx.beginPath();
  series.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.t), y(p.tps)) : ctx.lineTo(x(p.t), y(p.tps))));
  if (series.length === 1) ctx.lineTo(x(tMax), y(series[0]!.tps));
  ctx.stroke();
}

/** One finished turn as a bar: its segments stacked, plus what to write under it. */
export interface HistoryBar {
  segments: { def: SegmentDef; ms: number }[];
  /** Under the bar: the gap, or "text". */
  caption: string;
}

/** The last turns as stacked bars (newest right) with the reference lines across. */
export function drawHistory(ctx: Ctx, w: number, h: number, bars: HistoryBar[], slots = 10): void {
  const left = 56;
  const top = 12;
  const bottom = 30;
  const totals = bars.map((b) => b.segments.reduce((s, seg) => s + seg.ms, 0));
  const maxMs = scaleMax(Math.max(0, ...totals));
  const y = (ms: number): number => h - bottom - (ms / maxMs) * (h - top - bottom);
  ctx.font = `14px ${FONT}`;
  ctx.textBaseline = 'middle';
  const step = tickStep(maxMs) * 2;
  for (let ms = 0; ms <= maxMs; ms += step) {
    ctx.strokeStyle = GRID;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, y(ms));
    ctx.lineTo(w, y(ms));
    ctx.stroke();
    ctx.fillStyle = MUTED;
    ctx.textAlign = 'right';
    ctx.fillText(ms >= 1000 ? `${ms / 1000} s` : String(ms), left - 6, y(ms));
  }
  const slotW = (w - left) / slots;
  const barW = slotW * 0.66;
  bars.slice(-slots).forEach((bar, i) => {
    const x0 = left + i * slotW + (slotW - barW) / 2;
    let acc = 0;
    for (const seg of bar.segments) {
      fillSegment(ctx, seg.def, x0, y(acc + seg.ms), barW, y(acc) - y(acc + seg.ms));
      acc += seg.ms;
    }
    ctx.fillStyle = TEXT;
    ctx.textAlign = 'center';
    ctx.font = `bold 14px ${FONT}`;
    ctx.fillText(bar.caption, x0 + barW / 2, h - bottom / 2);
  });
  for (const ref of REFERENCES) {
    if (ref.ms > maxMs) continue;
    ctx.strokeStyle = ref.color;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 5]);
    ctx.beginPath();
    ctx.moveTo(left, y(ref.ms));
    ctx.lineTo(w, y(ref.ms));
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

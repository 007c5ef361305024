/**
 * One lane's panel: name and backend, the waiting counter, the latest silence breakdown (the same
 * segments and colours as the overlay, overlay/segments.ts), and the transcript, newest at the bottom.
 */
import { placeSegments } from '../overlay/segments';
import { COLORS, type Rect } from './layout';
import { font, seconds, wrap } from './text';
import type { VideoLane } from './frame-model';

export function drawLane(ctx: CanvasRenderingContext2D, lane: VideoLane, r: Rect, unit: number): void {
  const pad = 28 * unit;
  ctx.fillStyle = COLORS.panel;
  ctx.fillRect(r.x, r.y, r.w, r.h);
  ctx.fillStyle = lane.color;
  ctx.fillRect(r.x, r.y, r.w, 8 * unit);
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  let y = r.y + pad + 50 * unit;
  ctx.font = font(54 * unit, 700);
  ctx.fillText(lane.label, r.x + pad, y, r.w - 2 * pad);
  ctx.fillStyle = COLORS.dim;
  ctx.font = font(30 * unit);
  ctx.fillText(lane.words, r.x + pad, y + 44 * unit, r.w - 2 * pad);
  // The waiting counter on its own row: large and bright while the listener waits.
  y += 110 * unit;
  ctx.fillStyle = lane.waitingRunning ? COLORS.winner : COLORS.dim;
  ctx.font = font((lane.waitingRunning ? 48 : 34) * unit, 700);
  ctx.fillText(lane.waiting, r.x + pad, y);
  y += 40 * unit;
  y = drawBreakdown(ctx, lane, { x: r.x + pad, y, w: r.w - 2 * pad, h: 60 * unit }, unit);
  if (lane.failure) {
    ctx.fillStyle = COLORS.failure;
    ctx.font = font(30 * unit, 600);
    for (const line of wrap(ctx, lane.failure, r.w - 2 * pad).slice(0, 2)) {
      y += 40 * unit;
      ctx.fillText(line, r.x + pad, y);
    }
  }
  drawTranscript(
    ctx,
    lane,
    { x: r.x + pad, y: y + 30 * unit, w: r.w - 2 * pad, h: r.y + r.h - pad - y - 30 * unit },
    unit,
  );
}

/** The newest finished turn's gap as coloured segments on a bar scaled to the gap; returns the next y. */
function drawBreakdown(ctx: CanvasRenderingContext2D, lane: VideoLane, r: Rect, unit: number): number {
  const t = lane.lastTimeline;
  if (!t || t.gapMs === null) return r.y;
  const segments = placeSegments(t);
  const total = Math.max(t.gapMs, ...segments.map((s) => s.startMs + s.ms), 1);
  const barH = 22 * unit;
  for (const s of segments) {
    ctx.fillStyle = s.def.color;
    ctx.fillRect(r.x + (s.startMs / total) * r.w, r.y, Math.max(2, (s.ms / total) * r.w), barH);
  }
  ctx.font = font(24 * unit);
  ctx.fillStyle = COLORS.dim;
  const parts = segments.map((s) => `${s.def.label} ${Math.round(s.ms)}`).join(' · ');
  ctx.fillText(`last silence ${seconds(t.gapMs)}: ${parts} ms`, r.x, r.y + barH + 30 * unit);
  return r.y + barH + 40 * unit;
}

/** As many of the newest lines as fit, the newest at the bottom. */
function drawTranscript(ctx: CanvasRenderingContext2D, lane: VideoLane, r: Rect, unit: number): void {
  const lineH = 44 * unit;
  ctx.font = font(34 * unit);
  const blocks: { head: string; body: string[]; gap: string }[] = [];
  let used = 0;
  for (let i = lane.lines.length - 1; i >= 0 && used < r.h; i--) {
    const line = lane.lines[i]!;
    const body = wrap(ctx, line.text || '…', r.w);
    const gap = line.gapMs === null ? '' : `after ${seconds(line.gapMs)} of silence`;
    used += (body.length + 1) * lineH + 18 * unit;
    if (used > r.h && blocks.length > 0) break;
    blocks.unshift({ head: line.speaker ?? '', body, gap });
  }
  let y = r.y + Math.max(0, r.h - used) + lineH;
  for (const b of blocks) {
    ctx.font = font(28 * unit, 600);
    ctx.fillStyle = lane.color;
    ctx.fillText(b.head, r.x, y);
    ctx.fillStyle = COLORS.dim;
    ctx.font = font(24 * unit);
    if (b.gap) ctx.fillText(b.gap, r.x + ctx.measureText(b.head).width + 40 * unit, y);
    ctx.fillStyle = COLORS.text;
    ctx.font = font(34 * unit);
    for (const text of b.body) {
      y += lineH;
      ctx.fillText(text, r.x, y);
    }
    y += lineH + 18 * unit;
  }
}

/** The title card (scenario, lanes and their speed in plain words) and the final card (totals, winner). */
import { COLORS, type VideoLayout } from './layout';
import { font, seconds, wrap } from './text';
import type { VideoFrame } from './frame-model';

export function drawTitleCard(ctx: CanvasRenderingContext2D, frame: VideoFrame, layout: VideoLayout): void {
  const { width, height, unit } = layout;
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, width, height);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = COLORS.text;
  ctx.font = font(78 * unit, 700);
  const titleLines = wrap(ctx, frame.title, width * 0.85);
  let y = height * 0.36 - ((titleLines.length - 1) * 92 * unit) / 2;
  for (const line of titleLines) {
    ctx.fillText(line, width / 2, y);
    y += 92 * unit;
  }
  y += 50 * unit;
  frame.titleLanes.forEach((lane, i) => {
    if (i > 0) {
      ctx.fillStyle = COLORS.dim;
      ctx.font = font(40 * unit, 600);
      ctx.fillText('vs', width / 2, y);
      y += 70 * unit;
    }
    ctx.fillStyle = lane.color;
    ctx.font = font(56 * unit, 700);
    ctx.fillText(lane.label, width / 2, y);
    y += 58 * unit;
    ctx.fillStyle = COLORS.text;
    ctx.font = font(36 * unit);
    ctx.fillText(lane.words, width / 2, y);
    y += 80 * unit;
  });
  ctx.fillStyle = COLORS.dim;
  ctx.font = font(28 * unit);
  ctx.fillText('Same script, same voices: only the inference speed differs.', width / 2, height - 90 * unit);
  ctx.textAlign = 'left';
}

export function drawFinalCard(ctx: CanvasRenderingContext2D, frame: VideoFrame, layout: VideoLayout): void {
  const { width, height, unit } = layout;
  ctx.fillStyle = 'rgba(13, 16, 22, 0.94)';
  ctx.fillRect(0, 0, width, height);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  let y = height * 0.22;
  ctx.fillStyle = COLORS.winner;
  ctx.font = font(72 * unit, 700);
  ctx.fillText(frame.verdict ?? 'Finished', width / 2, y);
  y += 130 * unit;
  for (const lane of frame.lanes) {
    const f = lane.finish;
    ctx.fillStyle = lane.color;
    ctx.font = font(52 * unit, 700);
    ctx.fillText(`${lane.label} · ${lane.words}`, width / 2, y);
    y += 66 * unit;
    ctx.fillStyle = COLORS.text;
    ctx.font = font(38 * unit);
    const figures = f
      ? `${seconds(f.totalMs)} total · ${seconds(f.deadAirMs)} dead air · ${f.turns} lines` +
        (f.meanGapMs === null ? '' : ` · mean gap ${Math.round(f.meanGapMs)} ms`)
      : 'did not finish';
    ctx.fillText(figures, width / 2, y);
    y += 56 * unit;
    if (lane.failure) {
      ctx.fillStyle = COLORS.failure;
      ctx.font = font(32 * unit, 600);
      for (const line of wrap(ctx, lane.failure, width * 0.8).slice(0, 2)) {
        ctx.fillText(line, width / 2, y);
        y += 44 * unit;
      }
    }
    y += 60 * unit;
  }
  ctx.textAlign = 'left';
}

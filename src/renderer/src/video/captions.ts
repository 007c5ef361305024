/** Burned-in captions: the lines audible now, white on a dark band at the bottom of the frame. */
import type { Rect } from './layout';
import { font, wrap } from './text';

export function drawCaptions(
  ctx: CanvasRenderingContext2D,
  captions: readonly string[],
  r: Rect,
  unit: number,
): void {
  if (captions.length === 0) return;
  ctx.font = font(34 * unit, 600);
  const lines = captions.flatMap((c) => wrap(ctx, c, r.w - 60 * unit)).slice(-3);
  const lineH = 44 * unit;
  const h = lines.length * lineH + 24 * unit;
  const y0 = r.y + r.h - h;
  ctx.fillStyle = 'rgba(0, 0, 0, 0.75)';
  ctx.fillRect(r.x, y0, r.w, h);
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  lines.forEach((line, i) => ctx.fillText(line, r.x + r.w / 2, y0 + 12 * unit + (i + 0.8) * lineH));
  ctx.textAlign = 'left';
}

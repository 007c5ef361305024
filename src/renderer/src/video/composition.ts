/**
 * The video picture: a canvas drawn at most 30 times a second from the page's stores, on its own
 * requestAnimationFrame loop (nothing here goes through React). Title card before the race, the
 * lanes while it runs, the final card once every lane has finished; captions burned in when asked.
 */
import { drawCaptions } from './captions';
import { drawFinalCard, drawTitleCard } from './cards';
import { buildFrame, type FrameSources } from './frame-model';
import { drawLane } from './lanes';
import { COLORS, videoLayout } from './layout';
import { font, seconds } from './text';

export const VIDEO_FPS = 30;
/** A frame is due this long after the previous one (a little under 1/30 s, so 60 Hz rAF keeps 30 fps). */
const FRAME_DUE_MS = 1000 / VIDEO_FPS - 4;

export interface CompositionOptions {
  width: number;
  height: number;
  burnCaptions: boolean;
}

export class Composition {
  readonly canvas: HTMLCanvasElement;
  /** Frames drawn since start() (for the dropped-frame figure). */
  framesDrawn = 0;
  private readonly ctx: CanvasRenderingContext2D;
  private raf = 0;
  private lastDrawAt = -Infinity;

  constructor(
    private readonly options: CompositionOptions,
    private readonly sources: () => FrameSources,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = options.width;
    this.canvas.height = options.height;
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('this browser has no 2D canvas');
    this.ctx = ctx;
  }

  start(): void {
    const loop = (now: number): void => {
      this.raf = requestAnimationFrame(loop);
      if (now - this.lastDrawAt < FRAME_DUE_MS) return;
      this.lastDrawAt = now;
      this.draw();
      this.framesDrawn++;
    };
    this.draw();
    this.raf = requestAnimationFrame(loop);
  }

  stop(): void {
    cancelAnimationFrame(this.raf);
  }

  draw(): void {
    const { ctx } = this;
    const frame = buildFrame(this.sources());
    const { width, height, burnCaptions } = this.options;
    const layout = videoLayout(width, height, Math.max(frame.lanes.length, frame.titleLanes.length));
    const { unit } = layout;
    if (frame.phase === 'title') {
      drawTitleCard(ctx, frame, layout);
      return;
    }
    ctx.fillStyle = COLORS.background;
    ctx.fillRect(0, 0, width, height);
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillStyle = COLORS.text;
    ctx.font = font(46 * unit, 700);
    ctx.fillText(frame.title, layout.header.x, layout.header.y + layout.header.h / 2, layout.header.w * 0.8);
    if (frame.elapsedMs !== null) {
      ctx.textAlign = 'right';
      ctx.fillStyle = COLORS.dim;
      ctx.font = font(46 * unit, 600);
      ctx.fillText(
        seconds(frame.elapsedMs),
        layout.header.x + layout.header.w,
        layout.header.y + layout.header.h / 2,
      );
    }
    frame.lanes.forEach((lane, i) => {
      const r = layout.lanes[i];
      if (r) drawLane(ctx, lane, r, unit);
    });
    if (burnCaptions) drawCaptions(ctx, frame.captions, layout.captions, unit);
    if (frame.phase === 'final') drawFinalCard(ctx, frame, layout);
  }
}

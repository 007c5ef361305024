/**
 * One requestAnimationFrame loop draws the live parts of the overlay (each lane's waterfall, gap
 * counter and token-rate sparkline) while a turn is in flight, then stops. Text is written only
 * when its string changes; React never re-renders for a token or a frame.
 */
import { drawSparkline, drawWaterfall, prepare, rateSeries } from './draw';
import { spokenTurn, waterfallModel } from './models';
import type { LiveOverlay } from './overlay-live';
import { formatMs, formatTps, SPEECH_TPS } from './segments';

export const WATERFALL_SIZE = { w: 900, h: 330 };
export const SPARK_SIZE = { w: 900, h: 130 };

export interface LaneTargets {
  waterfall: HTMLCanvasElement;
  spark: HTMLCanvasElement;
  /** The big number: the gap (or TTFT for a text-only lane). */
  gap: HTMLElement;
  /** What the big number is. */
  gapLabel: HTMLElement;
  rate: HTMLElement;
}

interface Binding {
  laneId: string;
  targets: LaneTargets;
  shown: Record<string, string>;
}

export class OverlayPainter {
  private readonly bindings = new Set<Binding>();
  private raf: number | null = null;

  /**
   * @param speech whether a lane speaks (its TTS is not `none`)
   * @param passive no player on this page (the /overlay page): first audio stands in for audible
   */
  constructor(
    private readonly live: LiveOverlay,
    private readonly engineNow: () => number | null,
    private readonly speech: (laneId: string) => boolean,
    private readonly passive: boolean,
  ) {}

  wake = (): void => {
    this.raf ??= requestAnimationFrame(this.frame);
  };

  attach(laneId: string, targets: LaneTargets): () => void {
    const binding: Binding = { laneId, targets, shown: {} };
    this.bindings.add(binding);
    this.paint(binding, this.engineNow());
    return () => {
      this.bindings.delete(binding);
    };
  }

  /** Draws a lane's waterfall into another canvas context (the PNG export). */
  drawWaterfallInto(ctx: CanvasRenderingContext2D, laneId: string, w: number, h: number): void {
    const model = waterfallModel(this.live.turn(laneId), this.engineNow(), this.speech(laneId), this.passive);
    drawWaterfall(ctx, w, h, model);
  }

  private frame = (): void => {
    this.raf = null;
    const nowMs = this.engineNow();
    for (const binding of this.bindings) this.paint(binding, nowMs);
    if (this.live.anyInFlight()) this.wake();
  };

  private paint(binding: Binding, nowMs: number | null): void {
    const { laneId, targets, shown } = binding;
    const turn = this.live.turn(laneId);
    // A finished turn that spoke is a spoken turn even when no player reported it audible (its gap
    // is then unknown, not absent): judging by the gap alone labelled spoken race lanes "text only".
    const speech = turn?.timeline ? spokenTurn(turn.timeline) : this.speech(laneId);
    const model = waterfallModel(turn, nowMs, speech, this.passive);
    const ctx = prepare(targets.waterfall, WATERFALL_SIZE.w, WATERFALL_SIZE.h);
    if (ctx) drawWaterfall(ctx, WATERFALL_SIZE.w, WATERFALL_SIZE.h, model);
    targets.waterfall.dataset.segments = model.segments.map((s) => s.def.key).join(' ');

    const series = turn ? rateSeries(turn.rate) : [];
    const sctx = prepare(targets.spark, SPARK_SIZE.w, SPARK_SIZE.h);
    if (sctx) drawSparkline(sctx, SPARK_SIZE.w, SPARK_SIZE.h, series);

    const write = (key: keyof LaneTargets, text: string, dataMs?: number | null): void => {
      if (shown[key] === text) return;
      shown[key] = text;
      const el = targets[key];
      el.textContent = text;
      if (dataMs !== undefined) el.dataset.ms = dataMs === null ? '' : String(Math.round(dataMs));
    };
    if (speech && turn?.timeline && turn.timeline.gapMs === null) {
      write('gapLabel', 'gap · not measured (no player played it)');
      write('gap', formatMs(null), null);
    } else if (speech) {
      write('gapLabel', model.gapRunning ? 'gap (running)' : 'gap');
      write('gap', formatMs(model.gapMs), model.gapMs);
    } else {
      const ttft = model.segments.find((s) => s.def.key === 'ttftMs');
      write('gapLabel', 'text only — no audio gap · first token');
      write('gap', formatMs(ttft?.ms), ttft?.ms ?? null);
    }
    targets.gap.dataset.running = String(model.gapRunning);
    const tps = turn?.timeline?.tokensPerSecond ?? series[series.length - 1]?.tps ?? null;
    write(
      'rate',
      tps === null
        ? `— vs speech ~${SPEECH_TPS} tok/s`
        : `${formatTps(tps)} = ${Math.round(tps / SPEECH_TPS).toLocaleString('en-US')}× speaking speed`,
    );
  }
}

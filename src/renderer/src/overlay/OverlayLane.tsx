/** One lane in the overlay: the live waterfall and gap, the token-rate sparkline and the history. */
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { drawHistory, prepare, type Ctx } from './draw';
import { historyBar, spokenTurn } from './models';
import { useOverlay } from './overlay-services';
import type { HistoryEntry } from './overlay-store';
import { SPARK_SIZE, WATERFALL_SIZE } from './painter';
import { contextNote, formatMs, quantile } from './segments';
import { speculationNote } from './speculation';
import type { TurnTimeline } from '../../../shared/metrics';
import { RECENT_TURNS } from '../../../shared/protocol';

export const HISTORY_SIZE = { w: 620, h: 330 };
/** Turns the history chart shows: as many as the engine keeps for a page that connects later. */
export const HISTORY_TURNS = RECENT_TURNS;
const NO_TURNS: HistoryEntry[] = [];

/** A lane's last turns as the history chart, HISTORY_SIZE at the context's origin (page and PNG). */
export function drawLaneHistory(ctx: Ctx, turns: readonly HistoryEntry[]): void {
  const bars = turns.slice(-HISTORY_TURNS).map((t) => historyBar(t.timeline));
  drawHistory(ctx, HISTORY_SIZE.w, HISTORY_SIZE.h, bars, HISTORY_TURNS);
}

/** p50 and p90 of a lane's spoken gaps, ms. */
export function gapStats(turns: readonly HistoryEntry[]): { p50: number | null; p90: number | null } {
  const gaps = turns.flatMap((t) => (t.timeline.gapMs === null ? [] : [t.timeline.gapMs]));
  return { p50: quantile(gaps, 0.5), p90: quantile(gaps, 0.9) };
}

/** TTFT split by the provider's own timing (Cerebras `time_info`, Groq `x_groq`), when it sent any. */
export function ttftSplit(
  t: TurnTimeline | undefined,
): { ttftMs: number; queueMs: number; prefillMs: number; restMs: number } | null {
  const timing = t?.providerTiming;
  if (!t || t.ttftMs === null || !timing || (timing.queueMs === undefined && timing.promptMs === undefined)) {
    return null;
  }
  const queueMs = timing.queueMs ?? 0;
  const prefillMs = timing.promptMs ?? 0;
  return { ttftMs: t.ttftMs, queueMs, prefillMs, restMs: Math.max(0, t.ttftMs - queueMs - prefillMs) };
}

export function OverlayLane({ laneId }: { laneId: string }) {
  const overlay = useOverlay();
  const lane = useStore(overlay.app, (s) => s.lanes[laneId]);
  const turns = useStore(overlay.store, (s) => s.history[laneId] ?? NO_TURNS);
  const waterfall = useRef<HTMLCanvasElement>(null);
  const spark = useRef<HTMLCanvasElement>(null);
  const gap = useRef<HTMLSpanElement>(null);
  const gapLabel = useRef<HTMLSpanElement>(null);
  const rate = useRef<HTMLSpanElement>(null);
  const history = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (!waterfall.current || !spark.current || !gap.current || !gapLabel.current || !rate.current) return;
    return overlay.painter.attach(laneId, {
      waterfall: waterfall.current,
      spark: spark.current,
      gap: gap.current,
      gapLabel: gapLabel.current,
      rate: rate.current,
    });
  }, [overlay, laneId]);

  useEffect(() => {
    const canvas = history.current;
    if (!canvas) return;
    const ctx = prepare(canvas, HISTORY_SIZE.w, HISTORY_SIZE.h);
    if (ctx) drawLaneHistory(ctx, turns);
  }, [turns]);

  const { p50, p90 } = gapStats(turns);
  const split = ttftSplit(turns.at(-1)?.timeline);
  const trimmed = contextNote(turns.at(-1)?.timeline);
  const speculated = speculationNote(turns.at(-1)?.timeline);
  const measured = turns.some((t) => t.timeline.gapMs !== null);
  // A lane that speaks is not "text only" just because no player reported its audio as audible.
  const speaks =
    turns.some((t) => spokenTurn(t.timeline)) || (lane !== undefined && lane.speech.tts !== 'none');
  return (
    <article className="ov-lane" data-testid="overlay-lane" data-lane-id={laneId}>
      <header className="ov-lane-head">
        <h3>{lane?.label ?? laneId}</h3>
        <code>{lane?.spec}</code>
      </header>
      <div className="ov-gap">
        <span className="ov-gap-label" ref={gapLabel} data-testid="gap-label">
          gap
        </span>
        <span className="ov-gap-value" ref={gap} data-testid="gap-counter">
          —
        </span>
      </div>
      <div className="ov-charts">
        <div className="ov-waterfall">
          <canvas
            ref={waterfall}
            data-testid="waterfall"
            width={WATERFALL_SIZE.w}
            height={WATERFALL_SIZE.h}
            aria-label="Waterfall of the current turn's gap"
          />
          {split && (
            <p className="ov-caption" data-testid="ttft-split">
              last TTFT {formatMs(split.ttftMs)}: queue {formatMs(split.queueMs)} · prefill{' '}
              {formatMs(split.prefillMs)} · network &amp; the rest {formatMs(split.restMs)} (as the provider
              reports)
            </p>
          )}
          {trimmed && (
            <p className="ov-caption" data-testid="context-trimmed" title="The lane's last turn">
              last turn: {trimmed}
            </p>
          )}
          {speculated && (
            <p className="ov-caption" data-testid="speculation" title="The lane's last turn">
              last turn: {speculated}
            </p>
          )}
          <div className="ov-spark">
            <span className="ov-caption">
              token rate: <span ref={rate} data-testid="rate-now" />
            </span>
            <canvas
              ref={spark}
              data-testid="sparkline"
              width={SPARK_SIZE.w}
              height={SPARK_SIZE.h}
              aria-label="Tokens per second over the stream"
            />
          </div>
        </div>
        <div className="ov-history">
          <span className="ov-caption">
            last {HISTORY_TURNS} turns ·{' '}
            {measured ? (
              <>
                gap p50 <b data-testid="gap-p50">{formatMs(p50)}</b> · p90{' '}
                <b data-testid="gap-p90">{formatMs(p90)}</b>
              </>
            ) : turns.length > 0 && speaks ? (
              <span
                data-testid="gap-unmeasured"
                title="No page played the audio, so when it became audible is unknown"
              >
                spoken · gap not measured (no player)
              </span>
            ) : turns.length > 0 ? (
              'text only — no audio gap'
            ) : (
              'no turns yet'
            )}
          </span>
          <canvas
            ref={history}
            data-testid="history-bars"
            data-count={Math.min(turns.length, HISTORY_TURNS)}
            width={HISTORY_SIZE.w}
            height={HISTORY_SIZE.h}
            aria-label="Stacked bars of the last turns"
          />
        </div>
      </div>
    </article>
  );
}

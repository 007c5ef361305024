/**
 * "What if the backend were this fast?": sliders for decode rate (log scale) and TTFT recompute
 * each lane's last spoken gap and the conversation's dead air from the recorded token counts.
 */
import { useStore } from 'zustand';
import { deadAir, deadAirAt, gapAt } from '../../../shared/what-if';
import { useOverlay } from './overlay-services';
import type { HistoryEntry, WhatIfSpeed } from './overlay-store';
import { formatMs, formatTps } from './segments';
import { spokenTurn } from './models';
import { discardedWork } from './speculation';

export const TPS_MIN = 10;
export const TPS_MAX = 20_000;
const STEPS = 1_000;

/** Slider position (0–STEPS) → tok/s, logarithmic. */
export function tpsFromSlider(pos: number): number {
  return TPS_MIN * Math.pow(TPS_MAX / TPS_MIN, pos / STEPS);
}

export function sliderFromTps(tps: number): number {
  const clamped = Math.min(TPS_MAX, Math.max(TPS_MIN, tps));
  return Math.round((Math.log(clamped / TPS_MIN) / Math.log(TPS_MAX / TPS_MIN)) * STEPS);
}

function lastSpoken(turns: readonly HistoryEntry[]): HistoryEntry | null {
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i]!.timeline.gapMs !== null) return turns[i]!;
  return null;
}

/** The measured speed of the newest turn of any lane, as the sliders' starting point. */
function measured(history: Record<string, HistoryEntry[]>): WhatIfSpeed {
  let best: HistoryEntry | null = null;
  for (const turns of Object.values(history)) {
    const last = lastSpoken(turns) ?? turns[turns.length - 1] ?? null;
    if (last) best = last;
  }
  return {
    tps: best?.timeline.tokensPerSecond ?? 100,
    ttftMs: best?.timeline.ttftMs ?? 300,
  };
}

export function WhatIf() {
  const overlay = useOverlay();
  const history = useStore(overlay.store, (s) => s.history);
  const chosen = useStore(overlay.store, (s) => s.whatIf);
  const laneOrder = useStore(overlay.lanes, (s) => s.laneOrder);
  const lanes = useStore(overlay.app, (s) => s.lanes);
  const speed = chosen ?? measured(history);
  const set = (patch: Partial<WhatIfSpeed>): void =>
    overlay.store.getState().setWhatIf({ ...speed, ...patch });

  return (
    <section className="ov-panel ov-whatif" data-testid="what-if">
      <h3>What if the backend ran at…</h3>
      <label>
        <span>
          decode <b data-testid="whatif-tps-value">{formatTps(speed.tps)}</b>
        </span>
        <input
          type="range"
          min={0}
          max={STEPS}
          value={sliderFromTps(speed.tps)}
          data-testid="whatif-tps"
          onChange={(e) => set({ tps: tpsFromSlider(Number(e.target.value)) })}
        />
      </label>
      <label>
        <span>
          TTFT <b data-testid="whatif-ttft-value">{formatMs(speed.ttftMs)}</b>
        </span>
        <input
          type="range"
          min={0}
          max={2_000}
          step={10}
          value={Math.round(speed.ttftMs)}
          data-testid="whatif-ttft"
          onChange={(e) => set({ ttftMs: Number(e.target.value) })}
        />
      </label>
      {chosen !== null && (
        <button type="button" onClick={() => overlay.store.getState().setWhatIf(null)}>
          back to measured
        </button>
      )}
      <table>
        <thead>
          <tr>
            <th>lane</th>
            <th>last gap: recorded → what-if</th>
            <th>dead air: recorded → what-if</th>
          </tr>
        </thead>
        <tbody>
          {laneOrder.map((laneId) => {
            const turns = history[laneId] ?? [];
            const timelines = turns.map((t) => t.timeline);
            const last = lastSpoken(turns);
            return (
              <tr key={laneId} data-testid="whatif-row" data-lane-id={laneId}>
                <td>{lanes[laneId]?.label ?? laneId}</td>
                {last === null ? (
                  <td colSpan={2} className="muted">
                    {turns.length === 0
                      ? 'no turns yet'
                      : turns.some((t) => spokenTurn(t.timeline))
                        ? 'spoken · gap not measured (no player)'
                        : 'text only — no audio gap'}
                  </td>
                ) : (
                  <>
                    <td>
                      <span data-testid="whatif-gap-recorded">{formatMs(last.timeline.gapMs)}</span> →{' '}
                      <b data-testid="whatif-gap" data-ms={gapAt(last.timeline, speed) ?? ''}>
                        {formatMs(gapAt(last.timeline, speed))}
                      </b>
                    </td>
                    <td>
                      {formatMs(deadAir(timelines))} →{' '}
                      <b data-testid="whatif-deadair">{formatMs(deadAirAt(timelines, speed))}</b>
                    </td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {(() => {
        const work = discardedWork(
          Object.values(history)
            .flat()
            .map((t) => t.timeline),
          speed.tps,
        );
        return (
          work && (
            <p className="ov-caption" data-testid="whatif-speculation">
              discarded speculation: {work.requests} request{work.requests === 1 ? '' : 's'}, {work.tokens}{' '}
              tokens = <b>{formatMs(work.decodeMs)}</b> of decoding at {formatTps(speed.tps)}
            </p>
          )
        );
      })()}
    </section>
  );
}

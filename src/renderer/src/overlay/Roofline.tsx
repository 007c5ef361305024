/**
 * The memory-bandwidth roofline, interactive: model size × precision over a memory system's
 * bandwidth gives the single-stream decode ceiling, next to each lane's measured rate.
 */
import { useStore } from 'zustand';
import { bytesPerTokenGB, decodeCeilingTps, MEMORY_SYSTEMS, PRECISIONS } from '../../../shared/roofline';
import { useOverlay } from './overlay-services';
import type { RooflineChoice } from './overlay-store';
import { formatTps } from './segments';

export function rooflineFigures(choice: RooflineChoice) {
  const precision = PRECISIONS.find((p) => p.id === choice.precisionId) ?? PRECISIONS[0];
  const system = MEMORY_SYSTEMS.find((m) => m.id === choice.systemId) ?? MEMORY_SYSTEMS[0]!;
  const gb = bytesPerTokenGB(choice.paramsB, precision.bytesPerParam);
  const ceiling = decodeCeilingTps(choice.paramsB, precision.bytesPerParam, system.bandwidthTBs);
  const bandwidth =
    system.bandwidthTBs >= 1_000 ? `${system.bandwidthTBs / 1000} PB/s` : `${system.bandwidthTBs} TB/s`;
  const sentence =
    `Every token reads every weight once: ${choice.paramsB}B × ${precision.bytesPerParam * 8} bits = ` +
    `${Math.round(gb).toLocaleString('en-US')} GB per token; ${system.label} moves ${bandwidth}, so one ` +
    `stream decodes at most ~${Math.round(ceiling).toLocaleString('en-US')} tok/s.`;
  return { ceiling, sentence, system };
}

export function Roofline() {
  const overlay = useOverlay();
  const choice = useStore(overlay.store, (s) => s.roofline);
  const history = useStore(overlay.store, (s) => s.history);
  const laneOrder = useStore(overlay.lanes, (s) => s.laneOrder);
  const lanes = useStore(overlay.app, (s) => s.lanes);
  const set = (patch: Partial<RooflineChoice>): void => overlay.store.getState().setRoofline(patch);
  const { ceiling, sentence, system } = rooflineFigures(choice);
  return (
    <section className="ov-panel ov-roofline" data-testid="roofline">
      <h3>Roofline: the single-stream ceiling</h3>
      <div className="ov-row">
        <label>
          model{' '}
          <input
            type="number"
            min={0.1}
            max={5_000}
            step="any"
            value={choice.paramsB}
            data-testid="roofline-params"
            onChange={(e) => {
              const v = Number(e.target.value);
              if (v > 0) set({ paramsB: v });
            }}
          />{' '}
          B params
        </label>
        <select
          value={choice.precisionId}
          data-testid="roofline-precision"
          onChange={(e) => set({ precisionId: e.target.value })}
        >
          {PRECISIONS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        <select
          value={choice.systemId}
          data-testid="roofline-system"
          onChange={(e) => set({ systemId: e.target.value })}
        >
          {MEMORY_SYSTEMS.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      <p className="ov-big">
        ceiling{' '}
        <b data-testid="roofline-ceiling" data-tps={ceiling}>
          {formatTps(ceiling)}
        </b>
      </p>
      <p className="ov-sentence" data-testid="roofline-sentence">
        {sentence}
      </p>
      {system.note && <p className="muted">{system.note}</p>}
      <ul className="ov-measured">
        {laneOrder.map((laneId) => {
          const turns = history[laneId] ?? [];
          const tps = turns[turns.length - 1]?.timeline.tokensPerSecond ?? null;
          return (
            <li key={laneId} data-testid="roofline-lane">
              {lanes[laneId]?.label ?? laneId}: measured <b>{formatTps(tps)}</b>
              {tps !== null && ` (${tps > ceiling ? 'above' : 'below'} this ceiling)`}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * The memory-bandwidth roofline, interactive: model size × precision over a memory system's
 * bandwidth gives the single-stream decode ceiling, next to each lane's measured rate. It starts on
 * the model the first lane's preset imitates, and each lane is compared with its own model's ceiling:
 * a 60 tok/s "GPU" lane (70B on an 8-GPU node) is not "above the ceiling" of a 70B on one H100.
 */
import { useState } from 'react';
import { useStore } from 'zustand';
import { presetOfSpec, type PresetModel } from '../../../shared/lane-spec';
import {
  bytesPerTokenGB,
  decodeCeilingTps,
  defaultRooflineModel,
  MEMORY_SYSTEMS,
  modelCeilingTps,
  PRECISIONS,
} from '../../../shared/roofline';
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

/** The model a lane's preset imitates, or null (a custom spec, a real provider). */
export function laneModel(spec: string | undefined): PresetModel | null {
  return spec === undefined ? null : (presetOfSpec(spec)?.model ?? null);
}

/** "Llama 3.1 70B, 16-bit, on 8 × NVIDIA H100 (…)" */
function modelWords(m: PresetModel): string {
  const precision = PRECISIONS.find((p) => p.id === m.precisionId) ?? PRECISIONS[0];
  const system = MEMORY_SYSTEMS.find((s) => s.id === m.systemId) ?? MEMORY_SYSTEMS[0]!;
  return `${m.name}, ${precision.bytesPerParam * 8}-bit, on ${system.label}`;
}

export function Roofline() {
  const overlay = useOverlay();
  const stored = useStore(overlay.store, (s) => s.roofline);
  const history = useStore(overlay.store, (s) => s.history);
  const laneOrder = useStore(overlay.lanes, (s) => s.laneOrder);
  const lanes = useStore(overlay.app, (s) => s.lanes);
  // Until the presenter picks a model here, the panel shows the first lane's.
  const [touched, setTouched] = useState(false);
  const models = laneOrder.map((id) => laneModel(lanes[id]?.spec));
  const choice: RooflineChoice = touched ? stored : defaultRooflineModel(models, stored);
  const set = (patch: Partial<RooflineChoice>): void => {
    setTouched(true);
    overlay.store.getState().setRoofline({ ...choice, ...patch });
  };
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
        {laneOrder.map((laneId, i) => {
          const turns = history[laneId] ?? [];
          const tps = turns[turns.length - 1]?.timeline.tokensPerSecond ?? null;
          const model = models[i] ?? null;
          // A lane with a known model is held to that model's ceiling, not to whatever is picked above.
          const own = model ? modelCeilingTps(model) : ceiling;
          const against = model ? `its model's ceiling, ~${formatTps(own)}` : 'this ceiling';
          return (
            <li key={laneId} data-testid="roofline-lane">
              {lanes[laneId]?.label ?? laneId}
              {model && <span className="muted"> ({modelWords(model)})</span>}: measured{' '}
              <b>{formatTps(tps)}</b>
              {tps !== null && ` (${tps > own ? 'above' : 'below'} ${against})`}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

import { useState } from 'react';
import { formatLaneSpec, type SimKnobs as Knobs, type SimLaneSpec } from '../../../shared/lane-spec';

interface KnobProps {
  name: string;
  unit: string;
  value: number;
  min: number;
  max: number;
  testId: string;
  onCommit(value: number): void;
}

/** A number that applies on Enter or when focus leaves; out-of-range input reverts. */
function Knob({ name, unit, value, min, max, testId, onCommit }: KnobProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  const commit = (): void => {
    if (draft === null) return;
    const n = Number(draft);
    if (draft.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      setInvalid(true);
      setDraft(null);
      return;
    }
    setInvalid(false);
    if (n === value) setDraft(null);
    // Otherwise keep showing the draft until the engine confirms (the picker remounts on the new spec).
    else onCommit(n);
  };
  return (
    <label className="field knob">
      <span className="field-name">
        {name} <span className="unit">{unit}</span>
      </span>
      <input
        type="number"
        inputMode="numeric"
        data-testid={testId}
        min={min}
        max={max}
        value={draft ?? String(value)}
        aria-invalid={invalid}
        title={`${min}–${max} ${unit}`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          }
        }}
      />
    </label>
  );
}

/** The simulated backend's knobs; each change becomes a new spec for the lane. */
export function SimKnobs({ spec, onConfigure }: { spec: SimLaneSpec; onConfigure(spec: string): void }) {
  const set = (patch: Partial<Knobs>): void =>
    onConfigure(formatLaneSpec({ ...spec, knobs: { ...spec.knobs, ...patch } }));
  const k = spec.knobs;
  return (
    <div className="knobs">
      <Knob
        name="TTFT"
        unit="ms"
        value={k.ttftMs}
        min={0}
        max={120_000}
        testId="knob-ttft"
        onCommit={(v) => set({ ttftMs: Math.round(v) })}
      />
      <Knob
        name="speed"
        unit="tok/s"
        value={k.tps}
        min={1}
        max={100_000}
        testId="knob-tps"
        onCommit={(v) => set({ tps: v })}
      />
      <Knob
        name="reasoning"
        unit="tok"
        value={k.reasoningTokens}
        min={0}
        max={100_000}
        testId="knob-reasoning"
        onCommit={(v) => set({ reasoningTokens: Math.round(v) })}
      />
    </div>
  );
}

import { useMemo, useState } from 'react';
import { errorMessage } from '../../../shared/error-message';
import { formatLaneSpec, parseLaneSpec, type LaneSpec } from '../../../shared/lane-spec';
import type { LaneSnapshot } from '../../../shared/protocol';
import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import type { PresetInfo } from '../store/app-store';
import { SimKnobs } from './SimKnobs';

/** A spec in the engine's canonical form, or the input when it does not parse. */
function normalize(spec: string): string {
  try {
    return formatLaneSpec(parseLaneSpec(spec));
  } catch {
    return spec;
  }
}

function selectedValue(spec: string, parsed: LaneSpec | null, presets: PresetInfo[]): string {
  const preset = presets.find((p) => normalize(p.spec) === spec);
  if (preset) return `preset:${preset.name}`;
  if (parsed && parsed.provider !== 'sim') return `provider:${parsed.provider}`;
  return 'custom';
}

/** `key=***` is the engine's mask, not a key: drop it so the engine keeps using the real one. */
function withoutMaskedKey(spec: string): string {
  return spec.replace(/([:,])key=\*\*\*(,|$)/, (_m, before: string, after: string) => (after ? before : ''));
}

const URL_TEMPLATE = 'openai-compatible:url=http://127.0.0.1:8000/v1,model=';

/**
 * The lane's backend: a preset or provider, the simulated backend's knobs, or any spec typed in.
 * Rendered with `key={lane.spec}`, so every draft resets when the engine confirms a change.
 */
export function BackendPicker({ lane }: { lane: LaneSnapshot }) {
  const { send } = useServices();
  const presets = useAppStore((s) => s.presets);
  const providers = useAppStore((s) => s.providers);
  const [specDraft, setSpecDraft] = useState<string | null>(null);
  const [specError, setSpecError] = useState<string | null>(null);
  const parsed = useMemo(() => {
    try {
      return parseLaneSpec(lane.spec);
    } catch {
      return null;
    }
  }, [lane.spec]);
  const value = selectedValue(lane.spec, parsed, presets);

  const configure = (spec: string): void => {
    send({ type: 'lane.configure', laneId: lane.laneId, spec });
  };
  const onSelect = (v: string): void => {
    setSpecError(null);
    if (v.startsWith('preset:')) {
      const preset = presets.find((p) => `preset:${p.name}` === v);
      if (preset) configure(preset.spec);
    } else if (v === 'provider:openai-compatible') {
      setSpecDraft(URL_TEMPLATE);
    } else if (v.startsWith('provider:')) {
      configure(v.slice('provider:'.length));
    }
  };
  const applySpec = (): void => {
    const draft = withoutMaskedKey((specDraft ?? lane.spec).trim());
    try {
      parseLaneSpec(draft);
    } catch (err) {
      setSpecError(errorMessage(err));
      return;
    }
    setSpecError(null);
    if (normalize(draft) === lane.spec) setSpecDraft(null);
    else configure(draft);
  };

  return (
    <div className="picker">
      <label className="field preset">
        <span className="field-name">backend</span>
        <select data-testid="preset-select" value={value} onChange={(e) => onSelect(e.target.value)}>
          <optgroup label="Simulated">
            {presets.map((p) => (
              <option key={p.name} value={`preset:${p.name}`}>
                {p.label}
              </option>
            ))}
            {value === 'custom' && <option value="custom">Custom: {lane.spec}</option>}
          </optgroup>
          <optgroup label="Providers">
            {providers
              .filter((p) => p.id !== 'sim')
              .map((p) => {
                const missingKey = p.needsKey && !p.keySet;
                return (
                  <option key={p.id} value={`provider:${p.id}`} disabled={missingKey}>
                    {p.id === 'openai-compatible' ? 'Any OpenAI-compatible URL…' : p.label}
                    {missingKey ? ` — set ${p.keyEnv ?? 'a key'}` : ''}
                  </option>
                );
              })}
          </optgroup>
        </select>
      </label>
      {parsed?.provider === 'sim' && <SimKnobs spec={parsed} onConfigure={configure} />}
      <div className="field spec">
        <span className="field-name">spec</span>
        <input
          type="text"
          data-testid="spec-input"
          aria-label="Lane spec"
          spellCheck={false}
          value={specDraft ?? lane.spec}
          aria-invalid={specError !== null}
          onChange={(e) => {
            setSpecDraft(e.target.value);
            setSpecError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              applySpec();
            }
          }}
        />
        <button type="button" data-testid="spec-apply" onClick={applySpec}>
          Apply
        </button>
      </div>
      {specError !== null && (
        <div className="spec-error" role="alert" data-testid="spec-error">
          {specError}
        </div>
      )}
    </div>
  );
}

/**
 * A lane's backend in plain words for the stage ("Fast inference · 2,000 tok/s"), from its spec and
 * the presets' labels: an audience reads this, not `sim:tps=2000,ttft=150`.
 */
import { LANE_PRESETS, parseLaneSpec, type LaneSpec } from '../../../shared/lane-spec';

export interface BackendWordsInput {
  spec: string;
  provider: string;
  model: string;
}

function same(a: LaneSpec, b: LaneSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function rate(tps: number): string {
  return `${Math.round(tps).toLocaleString('en-US')} tok/s`;
}

/** The preset label's name part: "Fast inference (~2,000 tok/s, simulated)" → "Fast inference". */
function presetName(label: string): string {
  const cut = label.indexOf(' (');
  return cut < 0 ? label : label.slice(0, cut);
}

/**
 * "Fast inference · 2,000 tok/s" for a preset's spec; "Simulated · 300 tok/s" for other simulated
 * lanes; "Cerebras · llama-3.3-70b" for a provider (its label from `providerLabel`).
 */
export function backendWords(
  lane: BackendWordsInput,
  providerLabel?: (id: string) => string | undefined,
): string {
  let parsed: LaneSpec | null;
  try {
    parsed = parseLaneSpec(lane.spec);
  } catch {
    parsed = null;
  }
  if (parsed?.provider === 'sim') {
    const tps = parsed.knobs.tps;
    for (const preset of Object.values(LANE_PRESETS)) {
      let p: LaneSpec;
      try {
        p = parseLaneSpec(preset.spec);
      } catch {
        continue;
      }
      if (same(p, parsed)) return `${presetName(preset.label)} · ${rate(tps)}`;
    }
    return `Simulated · ${rate(tps)}`;
  }
  if (parsed?.provider === 'replay') return 'Recorded replay';
  const name = providerLabel?.(lane.provider) ?? lane.provider;
  return lane.model ? `${name} · ${lane.model}` : name;
}

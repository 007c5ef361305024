/**
 * The memory-bandwidth roofline of single-stream decoding: every generated token reads every weight
 * once, so tokens/s ≤ memory bandwidth ÷ model bytes. A 70B model at 16 bits is ~140 GB per token;
 * an H100 moves ~3.35 TB/s, so no H100 can decode it faster than ~24 tok/s for one stream.
 */

export interface MemorySystem {
  id: string;
  label: string;
  /** Bandwidth available to one model replica, TB/s. */
  bandwidthTBs: number;
  note?: string;
}

export const MEMORY_SYSTEMS: MemorySystem[] = [
  { id: 'h100', label: 'NVIDIA H100 (HBM3)', bandwidthTBs: 3.35 },
  {
    id: 'h100x8',
    label: '8 × NVIDIA H100 (one node, tensor parallel)',
    bandwidthTBs: 8 * 3.35,
    note: 'the weights are split over 8 GPUs, so each token reads 1/8 of them from each; interconnect and compute keep real rates well below this',
  },
  { id: 'h200', label: 'NVIDIA H200 (HBM3e)', bandwidthTBs: 4.8 },
  { id: 'b200', label: 'NVIDIA B200 (HBM3e)', bandwidthTBs: 8 },
  {
    id: 'wafer',
    label: 'Wafer-scale SRAM (Cerebras WSE-3)',
    bandwidthTBs: 21_000,
    note: '21 PB/s on-chip SRAM; large models span several wafers, so compute and interconnect bind first',
  },
];

export const PRECISIONS = [
  { id: 'fp16', label: 'FP16 / BF16', bytesPerParam: 2 },
  { id: 'fp8', label: 'FP8', bytesPerParam: 1 },
  { id: 'int4', label: 'INT4', bytesPerParam: 0.5 },
] as const;

/** Weights read per generated token, GB. */
export function bytesPerTokenGB(paramsBillions: number, bytesPerParam: number): number {
  return paramsBillions * bytesPerParam;
}

/** The single-stream decode ceiling, tokens per second. */
export function decodeCeilingTps(
  paramsBillions: number,
  bytesPerParam: number,
  bandwidthTBs: number,
): number {
  return (bandwidthTBs * 1000) / bytesPerTokenGB(paramsBillions, bytesPerParam);
}

export interface RooflineModel {
  paramsB: number;
  precisionId: string;
  systemId: string;
}

/** The ceiling of a model on a memory system (unknown ids: FP16, H100, as the overlay's default). */
export function modelCeilingTps(m: RooflineModel): number {
  const precision = PRECISIONS.find((p) => p.id === m.precisionId) ?? PRECISIONS[0];
  const system = MEMORY_SYSTEMS.find((s) => s.id === m.systemId) ?? MEMORY_SYSTEMS[0]!;
  return decodeCeilingTps(m.paramsB, precision.bytesPerParam, system.bandwidthTBs);
}

/**
 * The roofline's starting choice for a set of lanes: the model the first lane with a known model
 * imitates (see LANE_PRESETS), else `fallback`.
 */
export function defaultRooflineModel<T extends RooflineModel>(
  laneModels: readonly (RooflineModel | null)[],
  fallback: T,
): RooflineModel {
  const known = laneModels.find((m): m is RooflineModel => m !== null);
  return known
    ? { paramsB: known.paramsB, precisionId: known.precisionId, systemId: known.systemId }
    : fallback;
}

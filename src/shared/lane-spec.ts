/**
 * Lane specs: `<provider>[:key=value,...]`, shared by the UI, the CLI and scenario files.
 * README.md, "Lane specs", lists every provider and key. Parsing is strict: an unknown provider or key is
 * an error that names it.
 */
import { redact } from './redact';

/** Knobs of the simulated backend. Times in ms, rates in tokens per second. */
export interface SimKnobs {
  /** Decode rate, tokens per second (5–20,000 is the supported range). */
  tps: number;
  /** Time to first token, ms (for reasoning runs: to the first reasoning token). */
  ttftMs: number;
  /** Hidden reasoning tokens streamed before the answer. */
  reasoningTokens: number;
  /** Relative jitter of inter-token gaps and TTFT, 0–1. */
  jitter: number;
  /** Seed for content and jitter. */
  seed: number;
  /** Upper bound on answer tokens (the request's max_tokens still wins when lower). */
  maxTokens?: number;
  /** Exact answer length in tokens (long replies for demos and benchmarks); default: a natural 40–150. */
  replyTokens?: number;
}

/** Fault injection for tests and rehearsals (simulated backend only). */
export type SimFault =
  | { kind: 'status'; status: 401 | 429 | 500; retryAfterS?: number }
  | { kind: 'drop'; afterTokens: number }
  | { kind: 'stall'; afterTokens: number }
  | { kind: 'malformed'; afterTokens: number };

export const LLM_PROVIDERS = [
  'sim',
  'cerebras',
  'groq',
  'sambanova',
  'openai',
  'openrouter',
  'ollama',
  'lmstudio',
  'openai-compatible',
  'replay',
] as const;
export type LlmProviderId = (typeof LLM_PROVIDERS)[number];

export interface SimLaneSpec {
  provider: 'sim';
  knobs: SimKnobs;
  fault?: SimFault;
  /** When set, the embedded backend is bypassed and this URL (…/v1) is used instead. */
  url?: string;
  /** Record every turn of this lane to this file (see src/main/engine/recording). */
  record?: string;
  /** `context=N`: the context window, characters of message content (default: the provider's). */
  contextChars?: number;
}

export interface RemoteLaneSpec {
  provider: Exclude<LlmProviderId, 'sim' | 'replay'>;
  /** Base URL ending in /v1 (presets fill it in). */
  url?: string;
  model?: string;
  /** An explicit key; otherwise the provider's environment variable. Never sent to the renderer. */
  key?: string;
  maxTokens?: number;
  temperature?: number;
  /** Record every turn of this lane to this file (see src/main/engine/recording). */
  record?: string;
  /** `context=N`: the context window, characters of message content (default: the provider's). */
  contextChars?: number;
}

/** `replay:file=/path/run.json`: a recorded run played back offline with its original timing. */
export interface ReplayLaneSpec {
  provider: 'replay';
  /** The recording, as given (relative paths resolve against the working directory). */
  file: string;
}

export type LaneSpec = SimLaneSpec | RemoteLaneSpec | ReplayLaneSpec;

/**
 * A spec that cannot be used. Its message quotes the spec, so it is redacted here, once: `key=…`
 * values and URL credentials never reach the UI, stderr or a log through a spec error.
 */
export class LaneSpecError extends Error {
  override name = 'LaneSpecError';
  constructor(message: string) {
    super(redact(message));
  }
}

export const DEFAULT_SIM_KNOBS: SimKnobs = {
  tps: 2000,
  ttftMs: 150,
  reasoningTokens: 0,
  jitter: 0,
  seed: 1,
};

/**
 * The model and hardware a preset imitates, so the roofline compares the lane with its own ceiling
 * (a 60 tok/s "GPU" lane is not "above the ceiling" of a 70B model on one H100 it never claimed to be).
 * `precisionId` and `systemId` are ids of PRECISIONS and MEMORY_SYSTEMS in roofline.ts.
 */
export interface PresetModel {
  /** "Llama 3.1 8B" */
  name: string;
  /** Parameters, billions. */
  paramsB: number;
  precisionId: 'fp16' | 'fp8' | 'int4';
  systemId: string;
}

export interface LanePreset {
  spec: string;
  label: string;
  /** What the simulated rate stands for. */
  model: PresetModel;
}

/** Named presets a presenter can type instead of a spec. */
export const LANE_PRESETS: Record<string, LanePreset> = {
  fast: {
    spec: 'sim:tps=2000,ttft=150',
    label: 'Fast inference (~2,000 tok/s, simulated)',
    // Cerebras serves Llama 3.1 8B at ~2,000 tok/s from on-wafer SRAM.
    model: { name: 'Llama 3.1 8B', paramsB: 8, precisionId: 'fp16', systemId: 'wafer' },
  },
  gpu: {
    spec: 'sim:tps=60,ttft=700',
    label: 'Typical GPU serving (~60 tok/s, simulated)',
    // A 70B model served from one 8-GPU H100 node (tensor parallel): ~60 tok/s per stream in practice.
    model: { name: 'Llama 3.1 70B', paramsB: 70, precisionId: 'fp16', systemId: 'h100x8' },
  },
  chat: {
    spec: 'sim:tps=150,ttft=400',
    label: 'Chat-speed serving (~150 tok/s, simulated)',
    model: { name: 'Llama 3.1 8B', paramsB: 8, precisionId: 'fp16', systemId: 'h100' },
  },
  reasoning: {
    spec: 'sim:tps=60,ttft=700,reasoning=400',
    label: 'Slow reasoning model (400 hidden tokens, simulated)',
    model: { name: 'Llama 3.1 70B', paramsB: 70, precisionId: 'fp16', systemId: 'h100x8' },
  },
};

/** The preset a spec is (same parsed spec), or null: a typed `sim:tps=2000,ttft=150` is `fast`. */
export function presetOfSpec(specText: string): LanePreset | null {
  let spec: LaneSpec;
  try {
    spec = parseLaneSpec(specText);
  } catch {
    return null;
  }
  const key = JSON.stringify(spec);
  for (const preset of Object.values(LANE_PRESETS)) {
    if (JSON.stringify(parseLaneSpec(preset.spec)) === key) return preset;
  }
  return null;
}

const SIM_KEYS = [
  'tps',
  'ttft',
  'reasoning',
  'jitter',
  'seed',
  'max',
  'tokens',
  'fault',
  'url',
  'record',
  'context',
] as const;
const REMOTE_KEYS = ['url', 'model', 'key', 'max', 'temperature', 'record', 'context'] as const;
const REPLAY_KEYS = ['file'] as const;

export function parsePairs(body: string, spec: string): Map<string, string> {
  const pairs = new Map<string, string>();
  if (body.trim() === '') return pairs;
  for (const part of body.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new LaneSpecError(`lane spec "${spec}": "${part}" is not key=value`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (pairs.has(key)) throw new LaneSpecError(`lane spec "${spec}": key "${key}" given twice`);
    pairs.set(key, value);
  }
  return pairs;
}

export function num(spec: string, key: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new LaneSpecError(`lane spec "${spec}": ${key}=${value} must be a number from ${min} to ${max}`);
  }
  return n;
}

/** `fault=401`, `fault=429`, `fault=429/3` (retry-after 3 s), `fault=500`, `fault=drop@20`, `fault=stall@5`, `fault=malformed@3`. */
function parseFault(spec: string, value: string): SimFault {
  const status = /^(401|429|500)(?:\/(\d+))?$/.exec(value);
  if (status) {
    const code = Number(status[1]) as 401 | 429 | 500;
    return status[2] === undefined
      ? { kind: 'status', status: code }
      : { kind: 'status', status: code, retryAfterS: Number(status[2]) };
  }
  const mid = /^(drop|stall|malformed)(?:@(\d+))?$/.exec(value);
  if (mid) {
    return { kind: mid[1] as 'drop' | 'stall' | 'malformed', afterTokens: Number(mid[2] ?? 5) };
  }
  throw new LaneSpecError(
    `lane spec "${spec}": fault=${value} is not one of 401, 429[/seconds], 500, drop[@n], stall[@n], malformed[@n]`,
  );
}

/** Parses a lane spec or preset name. Throws LaneSpecError naming the bad part. */
export function parseLaneSpec(input: string): LaneSpec {
  const spec = input.trim();
  const preset = LANE_PRESETS[spec];
  if (preset) return parseLaneSpec(preset.spec);
  const colon = spec.indexOf(':');
  const provider = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const pairs = parsePairs(colon < 0 ? '' : spec.slice(colon + 1), spec);
  if (!(LLM_PROVIDERS as readonly string[]).includes(provider)) {
    const known = [...Object.keys(LANE_PRESETS), ...LLM_PROVIDERS].join(', ');
    throw new LaneSpecError(`unknown provider "${provider}" in lane spec "${spec}" (known: ${known})`);
  }
  const allowed: readonly string[] =
    provider === 'sim' ? SIM_KEYS : provider === 'replay' ? REPLAY_KEYS : REMOTE_KEYS;
  for (const key of pairs.keys()) {
    if (!allowed.includes(key)) {
      throw new LaneSpecError(
        `unknown key "${key}" for provider ${provider} in lane spec "${spec}" (known: ${allowed.join(', ')})`,
      );
    }
  }
  const get = (k: string): string | undefined => pairs.get(k);
  const record = get('record');
  if (record === '') {
    throw new LaneSpecError(`lane spec "${spec}": record= needs a file path`);
  }

  if (provider === 'replay') {
    const file = get('file');
    if (file === undefined || file === '') {
      throw new LaneSpecError(`lane spec "${spec}": replay needs file=/path/to/recording.json`);
    }
    return { provider: 'replay', file };
  }

  if (provider === 'sim') {
    const knobs: SimKnobs = { ...DEFAULT_SIM_KNOBS };
    const tps = get('tps');
    if (tps !== undefined) knobs.tps = num(spec, 'tps', tps, 1, 100_000);
    const ttft = get('ttft');
    if (ttft !== undefined) knobs.ttftMs = num(spec, 'ttft', ttft, 0, 120_000);
    const reasoning = get('reasoning');
    if (reasoning !== undefined)
      knobs.reasoningTokens = Math.round(num(spec, 'reasoning', reasoning, 0, 100_000));
    const jitter = get('jitter');
    if (jitter !== undefined) knobs.jitter = num(spec, 'jitter', jitter, 0, 1);
    const seed = get('seed');
    if (seed !== undefined) knobs.seed = Math.round(num(spec, 'seed', seed, 0, 2 ** 31));
    const max = get('max');
    if (max !== undefined) knobs.maxTokens = Math.round(num(spec, 'max', max, 1, 1_000_000));
    const tokens = get('tokens');
    if (tokens !== undefined) knobs.replyTokens = Math.round(num(spec, 'tokens', tokens, 1, 1_000_000));
    const out: SimLaneSpec = { provider: 'sim', knobs };
    const context = get('context');
    if (context !== undefined) out.contextChars = parseContextChars(spec, context);
    const fault = get('fault');
    if (fault !== undefined) out.fault = parseFault(spec, fault);
    const url = get('url');
    if (url !== undefined) out.url = checkUrl(spec, url);
    if (record !== undefined) out.record = record;
    return out;
  }

  const out: RemoteLaneSpec = { provider: provider as RemoteLaneSpec['provider'] };
  const url = get('url');
  if (url !== undefined) out.url = checkUrl(spec, url);
  const model = get('model');
  if (model !== undefined) {
    if (model === '') throw new LaneSpecError(`lane spec "${spec}": model= is empty`);
    out.model = model;
  }
  const key = get('key');
  if (key !== undefined) out.key = key;
  const max = get('max');
  if (max !== undefined) out.maxTokens = Math.round(num(spec, 'max', max, 1, 1_000_000));
  const temperature = get('temperature');
  if (temperature !== undefined) out.temperature = num(spec, 'temperature', temperature, 0, 2);
  const context = get('context');
  if (context !== undefined) out.contextChars = parseContextChars(spec, context);
  if (record !== undefined) out.record = record;
  if (provider === 'openai-compatible' && out.url === undefined) {
    throw new LaneSpecError(`lane spec "${spec}": openai-compatible needs url=http://host:port/v1`);
  }
  return out;
}

export function checkUrl(spec: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LaneSpecError(`lane spec "${spec}": url=${url} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LaneSpecError(`lane spec "${spec}": url=${url} must be http or https`);
  }
  // fetch refuses such a URL anyway, and the spec text is shown to every client: refuse it outright,
  // without quoting it.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new LaneSpecError(
      'url= must not carry a user name or password: give the key as key=… or in the ' +
        "provider's environment variable (e.g. OPENAI_COMPATIBLE_API_KEY)",
    );
  }
  return url.replace(/\/+$/, '');
}

/** The spec as text again, every secret masked (`key=***`), so it can be shown and logged. */
export function formatLaneSpec(spec: LaneSpec): string {
  const parts: string[] = [];
  if (spec.provider === 'replay') {
    parts.push(`file=${spec.file}`);
  } else if (spec.provider === 'sim') {
    const k = spec.knobs;
    parts.push(`tps=${k.tps}`, `ttft=${k.ttftMs}`);
    if (k.reasoningTokens) parts.push(`reasoning=${k.reasoningTokens}`);
    if (k.jitter) parts.push(`jitter=${k.jitter}`);
    if (k.seed !== DEFAULT_SIM_KNOBS.seed) parts.push(`seed=${k.seed}`);
    if (k.maxTokens !== undefined) parts.push(`max=${k.maxTokens}`);
    if (k.replyTokens !== undefined) parts.push(`tokens=${k.replyTokens}`);
    if (spec.contextChars !== undefined) parts.push(`context=${spec.contextChars}`);
    if (spec.fault) parts.push(`fault=${formatFault(spec.fault)}`);
    if (spec.url) parts.push(`url=${spec.url}`);
    if (spec.record !== undefined) parts.push(`record=${spec.record}`);
  } else {
    if (spec.url) parts.push(`url=${spec.url}`);
    if (spec.model) parts.push(`model=${spec.model}`);
    if (spec.key) parts.push('key=***');
    if (spec.maxTokens !== undefined) parts.push(`max=${spec.maxTokens}`);
    if (spec.temperature !== undefined) parts.push(`temperature=${spec.temperature}`);
    if (spec.contextChars !== undefined) parts.push(`context=${spec.contextChars}`);
    if (spec.record !== undefined) parts.push(`record=${spec.record}`);
  }
  // A URL may still carry a secret of its own (`?key=…`): the text goes through the redaction path.
  return redact(parts.length ? `${spec.provider}:${parts.join(',')}` : spec.provider);
}

/** `context=N`: characters of message content a request may carry (~4 per token), 1,000–4,000,000. */
function parseContextChars(spec: string, value: string): number {
  return Math.round(num(spec, 'context', value, 1_000, 4_000_000));
}

function formatFault(f: SimFault): string {
  if (f.kind === 'status')
    return f.retryAfterS === undefined ? `${f.status}` : `${f.status}/${f.retryAfterS}`;
  return `${f.kind}@${f.afterTokens}`;
}

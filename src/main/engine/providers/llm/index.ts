/**
 * createLlmProvider: a lane spec in, a ready provider out. Everything that can be wrong with the
 * configuration (no key, no URL) throws a LaneSpecError here, before any request is sent.
 */
import type { LaneSpec, ReplayLaneSpec, SimLaneSpec } from '../../../../shared/lane-spec';
import { formatLaneSpec, LaneSpecError } from '../../../../shared/lane-spec';
import type { Clock } from '../../clock';
import { RecordingError } from '../../recording/format';
import { readRecording } from '../../recording/reader';
import { RunRecorder } from '../../recording/writer';
import { redact } from '../../../../shared/redact';
import type { ProviderEnv } from '../keys';
import { encodeSimControl, SIM_CONTROL_HEADER } from '../../sim/control';
import type { SimControl } from '../../sim/control';
import { OpenAiCompatibleProvider } from './openai-compatible';
import { LLM_PRESETS, resolveKey, SIM_MODEL } from './presets';
import { RecordingProvider } from './recording-provider';
import { ReplayProvider } from './replay';
import { stallTimeoutFromEnv } from './stall-timeout';
import type { LlmProvider } from './types';

export { LlmError } from './errors';
export type { LlmErrorCode } from './errors';
export { LLM_PRESETS, listProviders } from './presets';
export type * from './types';

export interface LlmProviderDeps {
  clock: Clock;
  /** The embedded simulated backend (…/v1); a `sim:url=…` spec overrides it. */
  simBaseUrl?: string;
  /**
   * Where keys come from: process.env in the app and every CLI command, a plain object in tests.
   * Required, so no caller can silently build a keyless provider (see ../keys.ts).
   */
  env: ProviderEnv;
  /**
   * No bytes for this long → the turn fails as `stalled`, ms. Default: `DIALTONE_STALL_TIMEOUT_MS` from
   * `env` (./stall-timeout.ts), else 20,000.
   */
  stallTimeoutMs?: number;
}

export const DEFAULT_STALL_TIMEOUT_MS = 20_000;

export function createLlmProvider(spec: LaneSpec, deps: LlmProviderDeps): LlmProvider {
  if (spec.provider === 'replay') return openReplay(spec, deps.clock);
  const provider = createStreamingProvider(spec, deps);
  if (spec.record === undefined) return provider;
  try {
    const recorder = new RunRecorder(spec.record, {
      provider: { id: provider.id, model: provider.model, label: provider.label },
      spec: maskedSpec({ ...spec, record: undefined }),
    });
    return new RecordingProvider(provider, recorder, deps.clock);
  } catch (err) {
    if (err instanceof RecordingError) throw new LaneSpecError(err.message);
    throw err;
  }
}

function openReplay(spec: ReplayLaneSpec, clock: Clock): LlmProvider {
  try {
    return new ReplayProvider(readRecording(spec.file), spec.file, clock);
  } catch (err) {
    if (err instanceof RecordingError) throw new LaneSpecError(err.message);
    throw err;
  }
}

/** The spec as stored in a recording: through the one redaction path, like every message out. */
function maskedSpec(spec: Exclude<LaneSpec, ReplayLaneSpec>): string {
  return redact(formatLaneSpec(spec));
}

function createStreamingProvider(
  spec: Exclude<LaneSpec, ReplayLaneSpec>,
  deps: LlmProviderDeps,
): LlmProvider {
  const env = deps.env;
  const stallTimeoutMs = deps.stallTimeoutMs ?? stallTimeoutFromEnv(env) ?? DEFAULT_STALL_TIMEOUT_MS;
  const preset = LLM_PRESETS[spec.provider];

  if (spec.provider === 'sim') {
    const baseURL = spec.url ?? deps.simBaseUrl;
    if (baseURL === undefined) {
      throw new LaneSpecError(
        'the simulated backend is not running here: give its address as sim:url=http://…/v1',
      );
    }
    const control = simControl(spec);
    return new OpenAiCompatibleProvider({
      id: 'sim',
      label: simLabel(spec),
      model: SIM_MODEL,
      baseURL,
      apiKey: undefined,
      failure: { label: 'Simulated backend', baseURL, keyAdvice: '', key: undefined },
      maxTokensParam: 'max_tokens',
      headers: (reply) => ({
        [SIM_CONTROL_HEADER]: encodeSimControl(reply === undefined ? control : { ...control, reply }),
      }),
      clock: deps.clock,
      stallTimeoutMs,
      // The backend is told to wait ttft (± jitter) before its first token: that silence is not a stall.
      firstTokenGraceMs: spec.knobs.ttftMs * (1 + spec.knobs.jitter),
    });
  }

  const baseURL = spec.url ?? preset.url;
  if (baseURL === '') {
    throw new LaneSpecError(`${preset.label} needs url=http://host:port/v1 in the lane spec`);
  }
  const key = resolveKey(spec, env);
  const model = spec.model ?? preset.defaultModel;
  const keyAdvice =
    spec.key !== undefined && spec.key.trim() !== ''
      ? 'Check the key= in the lane spec.'
      : key !== undefined
        ? `Check ${preset.keyEnv}.`
        : preset.keyEnv !== undefined
          ? `Set ${preset.keyEnv} or add key=… to the lane spec.`
          : '';
  return new OpenAiCompatibleProvider({
    id: spec.provider,
    label: `${preset.label} · ${model}`,
    model,
    baseURL,
    apiKey: key,
    failure: { label: preset.label, baseURL, keyAdvice, key },
    ...(spec.maxTokens !== undefined ? { maxTokens: spec.maxTokens } : {}),
    maxTokensParam: spec.provider === 'openai' ? 'max_completion_tokens' : 'max_tokens',
    ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
    headers: () => undefined,
    clock: deps.clock,
    stallTimeoutMs,
    firstTokenGraceMs: 0,
  });
}

function simControl(spec: SimLaneSpec): SimControl {
  const k = spec.knobs;
  const control: SimControl = {
    tps: k.tps,
    ttftMs: k.ttftMs,
    reasoningTokens: k.reasoningTokens,
    jitter: k.jitter,
    seed: k.seed,
  };
  if (k.maxTokens !== undefined) control.maxTokens = k.maxTokens;
  if (k.replyTokens !== undefined) control.replyTokens = k.replyTokens;
  if (spec.fault) control.fault = spec.fault;
  return control;
}

function simLabel(spec: SimLaneSpec): string {
  const k = spec.knobs;
  const parts = [`${k.tps.toLocaleString('en-US')} tok/s`, `TTFT ${k.ttftMs.toLocaleString('en-US')} ms`];
  if (k.reasoningTokens > 0) parts.push(`${k.reasoningTokens.toLocaleString('en-US')} reasoning tokens`);
  return `Simulated · ${parts.join(', ')}`;
}

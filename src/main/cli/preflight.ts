/**
 * `dialtone preflight [--json] [--lane SPEC ...] [--stt SPEC] [--tts SPEC]`: what a talk needs, checked
 * before going on stage. Per lane: its key is there (never printed) and its provider answers, with one
 * measured time to first token; the speech models the lanes use are in the cache; the voice is warm
 * (time of a first synthesis); the model cache's disk has room; on Linux, the sound system lists a
 * microphone and an output (elsewhere the browser or the app window checks them: said so, not
 * pretended; see sound-devices.ts). Exit 1 when a
 * check fails; with --json one object on stdout (the table then goes to stderr).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LaneSpecError, parseLaneSpec, type LaneSpec } from '../../shared/lane-spec';
import { redact } from '../../shared/redact';
import {
  DEFAULT_STT_SPEC,
  DEFAULT_TTS_SPEC,
  formatSpeechSpec,
  parseSttSpec,
  parseTtsSpec,
} from '../../shared/speech-spec';
import { systemClock } from '../engine/clock';
import { errorMessage } from '../engine/errors';
import { ModelManager } from '../engine/models/manager';
import { megabytesText, speechModelId } from '../engine/models/model-notices';
import { createLlmProvider } from '../engine/providers/llm';
import { LLM_PRESETS } from '../engine/providers/llm/presets';
import { readProviderKey } from '../engine/providers/keys';
import { createStt } from '../engine/providers/stt';
import { createTts } from '../engine/providers/tts';
import { startSimServer, type SimServer } from '../engine/sim/server';
import { CliError, parse, printJson } from './args';
import { checkSoundDevices } from './sound-devices';
import { USAGES } from './usage';

const USAGE = USAGES.preflight;
/** A provider that has not sent a first token by then is not ready for a talk. */
const REACH_TIMEOUT_MS = 20_000;
/** Room the model cache should keep beyond the models still to download. */
const DISK_SPARE_BYTES = 200e6;

export type CheckStatus = 'ok' | 'fail' | 'info';

export interface Check {
  /** What was checked: "key · cerebras", "reach · fast", "model · whisper-tiny.en", … */
  check: string;
  status: CheckStatus;
  detail: string;
  /** The measured time, when the check is a timing (TTFT, first synthesis). */
  ms?: number;
}

export async function preflightCommand(argv: string[]): Promise<void> {
  const { values } = parse(
    argv,
    { lane: { type: 'string', multiple: true }, stt: { type: 'string' }, tts: { type: 'string' } },
    USAGE,
  );
  const json = values.json === true;
  const laneTexts = (values.lane as unknown as string[] | undefined) ?? ['fast'];
  let lanes: LaneSpec[];
  let sttText: string;
  let ttsText: string;
  try {
    lanes = laneTexts.map((t) => parseLaneSpec(t));
    sttText = formatSpeechSpec(parseSttSpec(String(values.stt ?? DEFAULT_STT_SPEC)));
    ttsText = formatSpeechSpec(parseTtsSpec(String(values.tts ?? DEFAULT_TTS_SPEC)));
  } catch (err) {
    if (err instanceof LaneSpecError) throw new CliError(err.message);
    throw err;
  }

  const checks: Check[] = [];
  let sim: SimServer | undefined;
  try {
    for (const [i, spec] of lanes.entries()) {
      const name = laneTexts[i]!;
      if (spec.provider === 'sim' && spec.url === undefined) sim ??= await startSimServer();
      checks.push(...(await checkLane(name, spec, sim?.url)));
    }
  } finally {
    await sim?.close();
  }
  const models = new ModelManager({ env: process.env });
  const missingBytes: number[] = [];
  for (const [stage, text] of [
    ['stt', sttText],
    ['tts', ttsText],
  ] as const) {
    const modelId = speechModelId(stage, text);
    if (modelId === undefined) {
      checks.push(
        stage === 'stt'
          ? checkSttConfig(text)
          : { check: `${stage} · ${text}`, status: 'ok', detail: 'needs no local model' },
      );
      continue;
    }
    const status = await models.status(modelId);
    const size = megabytesText(status.sizeBytes);
    if (status.cached) checks.push({ check: `model · ${modelId}`, status: 'ok', detail: `cached (${size})` });
    else {
      missingBytes.push(status.sizeBytes);
      checks.push({
        check: `model · ${modelId}`,
        status: 'fail',
        detail: `not downloaded (${size}): bin/dialtone models fetch ${modelId}`,
      });
    }
  }
  checks.push(await checkVoice(ttsText, models));
  checks.push(
    await checkDisk(
      models.root,
      missingBytes.reduce((a, b) => a + b, 0),
    ),
  );
  checks.push(...(await checkSoundDevices()));

  const failed = checks.filter((c) => c.status === 'fail');
  const table = formatTable(checks);
  if (json) {
    process.stderr.write(redact(table));
    printJson({ ok: failed.length === 0, checks });
  } else process.stdout.write(redact(table));
  if (failed.length > 0) {
    throw new CliError(
      `${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed.map((c) => c.check).join(', ')}`,
    );
  }
}

/** The lane's key (present, or not needed) and one tiny request through the lane's own provider code. */
async function checkLane(name: string, spec: LaneSpec, simUrl: string | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  if (spec.provider !== 'sim' && spec.provider !== 'replay') {
    const preset = LLM_PRESETS[spec.provider];
    const key = readProviderKey(spec.key, preset.keyEnv, process.env);
    const where = preset.keyEnv ?? 'the spec';
    if (key.key !== undefined)
      checks.push({
        check: `key · ${name}`,
        status: 'ok',
        detail: `set (from ${key.source === 'spec' ? 'the spec' : where})`,
      });
    else if (preset.needsKey) {
      checks.push({ check: `key · ${name}`, status: 'fail', detail: `missing: set ${where}` });
      checks.push({ check: `reach · ${name}`, status: 'fail', detail: 'not tried: no key' });
      return checks;
    } else checks.push({ check: `key · ${name}`, status: 'ok', detail: 'not needed' });
  }
  let provider;
  try {
    provider = createLlmProvider(spec, { clock: systemClock, simBaseUrl: simUrl, env: process.env });
  } catch (err) {
    checks.push({ check: `reach · ${name}`, status: 'fail', detail: errorMessage(err) });
    return checks;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REACH_TIMEOUT_MS);
  const startedAt = performance.now();
  let firstAt: number | undefined;
  try {
    // One token is the answer: the request stops there, so a paid provider costs next to nothing.
    const result = await provider.stream({
      messages: [{ role: 'user', content: 'Reply with the single word: ready' }],
      signal: abort.signal,
      onEvent: () => {
        firstAt ??= performance.now();
        abort.abort();
      },
    });
    if (firstAt === undefined) {
      const why = result.aborted ? `no answer within ${REACH_TIMEOUT_MS / 1000} s` : 'answered with no text';
      checks.push({ check: `reach · ${name}`, status: 'fail', detail: `${provider.label}: ${why}` });
    } else {
      const ms = result.metrics.ttftMs ?? firstAt - startedAt;
      checks.push({
        check: `reach · ${name}`,
        status: 'ok',
        detail: `answered: measured TTFT ${Math.round(ms)} ms (${provider.label})`,
        ms,
      });
    }
  } catch (err) {
    checks.push({
      check: `reach · ${name}`,
      status: 'fail',
      detail: `${provider.label}: ${errorMessage(err)}`,
    });
  } finally {
    clearTimeout(timer);
  }
  return checks;
}

/** A speech-in that runs elsewhere: its key and settings are there (it is reached on first use). */
function checkSttConfig(text: string): Check {
  const check = `stt · ${text}`;
  const spec = parseSttSpec(text);
  if (spec.provider === 'typed') return { check, status: 'ok', detail: 'typed: no speech recognition' };
  try {
    createStt(spec, { clock: systemClock, env: process.env });
    return { check, status: 'ok', detail: 'configured (key and URL); reached on first use' };
  } catch (err) {
    return { check, status: 'fail', detail: errorMessage(err) };
  }
}

/** The voice loads and speaks a first line; a voice whose model is missing is left to the model check. */
async function checkVoice(ttsText: string, models: ModelManager): Promise<Check> {
  const check = `voice · ${ttsText}`;
  const spec = parseTtsSpec(ttsText);
  if (spec.provider === 'none') return { check, status: 'ok', detail: 'text only' };
  const modelId = speechModelId('tts', ttsText);
  if (modelId !== undefined && !(await models.status(modelId)).cached)
    return { check, status: 'fail', detail: `not tried: ${modelId} not downloaded` };
  try {
    const tts = createTts(spec, { clock: systemClock, env: { ...process.env, DIALTONE_OFFLINE: '1' } });
    const startedAt = performance.now();
    try {
      await tts.warm({});
      const { metrics } = await tts.synthesizeAll('Ready.', {
        signal: AbortSignal.timeout(REACH_TIMEOUT_MS),
      });
      const ms = performance.now() - startedAt;
      const first =
        metrics.firstAudioMs === null ? '' : `, then first audio in ${Math.round(metrics.firstAudioMs)} ms`;
      return { check, status: 'ok', detail: `warm: loaded and spoke in ${Math.round(ms)} ms${first}`, ms };
    } finally {
      await tts.close();
    }
  } catch (err) {
    return { check, status: 'fail', detail: errorMessage(err) };
  }
}

/** Free space where the models go (the nearest folder that exists). */
async function checkDisk(root: string, neededBytes: number): Promise<Check> {
  let dir = root;
  for (;;) {
    try {
      const s = await fs.statfs(dir);
      const free = s.bavail * s.bsize;
      const want = neededBytes + DISK_SPARE_BYTES;
      const detail = `${megabytesText(free)} free in ${dir}${neededBytes > 0 ? ` (models to fetch: ${megabytesText(neededBytes)})` : ''}`;
      return { check: 'disk', status: free >= want ? 'ok' : 'fail', detail };
    } catch (err) {
      const parent = path.dirname(dir);
      if (parent === dir) return { check: 'disk', status: 'fail', detail: errorMessage(err) };
      dir = parent;
    }
  }
}

const MARK: Record<CheckStatus, string> = { ok: 'ok', fail: 'FAIL', info: '--' };

function formatTable(checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.check.length));
  return checks.map((c) => `${MARK[c.status].padEnd(5)}${c.check.padEnd(width + 2)}${c.detail}\n`).join('');
}

/**
 * Kokoro figures for `dialtone bench`: time to first audio for the 10-word sentence (warm model), its
 * real-time factor, and the share of it the espeak phoneme front end takes — beside espeak-ng speaking
 * the same sentence in the same run. Needs kokoro-82m in the model cache; otherwise it says why it
 * skipped. Measures only; never prints.
 */
import { systemClock } from '../engine/clock';
import { ModelManager } from '../engine/models/manager';
import { DEFAULT_KOKORO_MODEL } from '../engine/models/registry';
import { createTts } from '../engine/providers/tts';
import type { KokoroTts } from '../engine/providers/tts/kokoro';
import { espeakPhonemizer } from '../engine/providers/tts/kokoro';
import { accentOf, textToPhonemes } from '../engine/providers/tts/kokoro-text';
import { TEN_WORDS } from './speech';
import { summarize } from './stats';
import type { Summary } from './stats';

export type KokoroBenchResult =
  | { skipped: string }
  | {
      model: string;
      voice: string;
      sentence: string;
      /** Downloaded model → loaded and warm, ms (this process's first load). */
      loadMs: number;
      /** Request → first audio frame, ms, warm model (Kokoro speaks a piece only once it is whole). */
      firstAudioMs: Summary;
      /** Synthesis time / audio duration, dimensionless. */
      realTimeFactor: Summary;
      /** Text → phonemes (one espeak run in its worker), ms: part of firstAudioMs. */
      phonemizeMs: Summary;
      /** Audio produced for the sentence, ms. */
      audioMs: number;
      /** espeak-ng on the same sentence, same run: first audio p50, ms. */
      espeakFirstAudioMs: number;
      /** Kokoro first audio p50 / espeak first audio p50. */
      ratioToEspeak: number;
    };

export async function benchKokoro(
  opts: {
    runs?: number;
    env?: Record<string, string | undefined>;
    /** Another model cache and Kokoro model id (default: kokoro-82m in the cache for `env`). */
    models?: ModelManager;
    model?: string;
  } = {},
): Promise<KokoroBenchResult> {
  const env = opts.env ?? process.env;
  const models = opts.models ?? new ModelManager({ env });
  const model = opts.model ?? DEFAULT_KOKORO_MODEL;
  const status = await models.status(model);
  if (!status.cached) {
    return {
      skipped: `${model} is not in the model cache (${status.dir}) — bin/dialtone models fetch ${model}`,
    };
  }
  const runs = opts.runs ?? 5;
  const kokoro = createTts(
    { provider: 'kokoro', voice: 'af_heart', model },
    { clock: systemClock, env, models },
  ) as KokoroTts;
  const espeak = createTts({ provider: 'espeak', voice: 'en-us' }, { clock: systemClock, env });
  const loadStart = systemClock.now();
  await kokoro.warm();
  const loadMs = systemClock.now() - loadStart;
  await espeak.warm();
  await kokoro.synthesizeAll(TEN_WORDS);
  const first: number[] = [];
  const rtf: number[] = [];
  const phonemize: number[] = [];
  const espeakFirst: number[] = [];
  let audioMs = 0;
  const signal = new AbortController().signal;
  for (let i = 0; i < runs; i++) {
    const { metrics } = await kokoro.synthesizeAll(TEN_WORDS);
    if (metrics.firstAudioMs !== null) first.push(metrics.firstAudioMs);
    if (metrics.realTimeFactor !== null) rtf.push(metrics.realTimeFactor);
    audioMs = metrics.audioMs;
    const t0 = systemClock.now();
    await textToPhonemes(TEN_WORDS, accentOf(kokoro.voice), espeakPhonemizer(signal));
    phonemize.push(systemClock.now() - t0);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
    const e = await espeak.synthesizeAll(TEN_WORDS);
    if (e.metrics.firstAudioMs !== null) espeakFirst.push(e.metrics.firstAudioMs);
  }
  const firstAudioMs = summarize(first);
  const espeakFirstAudioMs = summarize(espeakFirst).p50;
  return {
    model,
    voice: kokoro.voice,
    sentence: TEN_WORDS,
    loadMs,
    firstAudioMs,
    realTimeFactor: summarize(rtf),
    phonemizeMs: summarize(phonemize),
    audioMs,
    espeakFirstAudioMs,
    ratioToEspeak: firstAudioMs.p50 / espeakFirstAudioMs,
  };
}

/**
 * Moonshine (ONNX) on onnxruntime-node: 16 kHz speech in, English text out.
 *
 * The model folder holds the two graphs the model manager fetched: the encoder (raw samples in, no
 * feature extractor: Moonshine reads the waveform itself) and the merged decoder (one graph for the
 * first step and the cached ones, chosen by `use_cache_branch`). Decoding is greedy, one token per
 * step, so a recognition streams its text so far and stops between tokens when aborted. Token ids are
 * Llama's (Moonshine's vocabulary is Llama's 32,000 pieces plus its own specials), decoded by
 * llama-tokenizer-js. Sessions load once per folder and are shared by every lane; recognitions run one
 * at a time (two cores: two at once only make both slower).
 *
 * Runs where whisper-model.ts runs (the whisper worker, or the engine thread where no worker starts).
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { errorMessage } from '../../../../shared/error-message';
import type { MoonshineShape } from '../../models/registry';
import type { JobContext } from '../../workers/job-server';
import { LoadedModels } from './loaded-models';
import { SttError, STT_SAMPLE_RATE } from './types';

/** A Moonshine model folder, as the model manager laid it out. */
export interface MoonshineModelRef {
  id: string;
  dir: string;
  shape: MoonshineShape;
}

const START_TOKEN = 1;
const END_TOKEN = 2;
/**
 * The decoder's step limit per second of audio: speech runs at 2–4 tokens a second, so a decoder
 * still going at 6 is repeating itself (Moonshine's own rule).
 */
const MAX_TOKENS_PER_S = 6;
/** A floor for very short utterances ("yes" at 0.3 s would otherwise get one step). */
const MIN_TOKENS = 8;

interface Decode {
  (ids: number[]): string;
}

interface Loaded {
  encoder: ort.InferenceSession;
  decoder: ort.InferenceSession;
  decode: Decode;
}

const models = new LoadedModels<MoonshineModelRef, Loaded>(open, (l) =>
  Promise.all([l.encoder.release(), l.decoder.release()]),
);

export async function loadMoonshine(ref: MoonshineModelRef): Promise<void> {
  await models.get(ref);
}

/** Transcribes one utterance; streams the text so far through `ctx.progress`; '' if aborted first. */
export async function recognizeMoonshine(
  ref: MoonshineModelRef,
  audio: Float32Array,
  ctx: JobContext<string>,
): Promise<string> {
  return models.run(ref, (model) => recognize(model, ref.shape, audio, ctx));
}

export function unloadMoonshine(): Promise<void> {
  return models.unloadAll();
}

async function recognize(
  model: Loaded,
  shape: MoonshineShape,
  audio: Float32Array,
  ctx: JobContext<string>,
): Promise<string> {
  if (ctx.signal.aborted || audio.length === 0) return '';
  const { last_hidden_state: encoded } = await model.encoder.run({
    input_values: new ort.Tensor('float32', audio, [1, audio.length]),
  });
  // The first step sees empty caches; after it, the encoder's (cross-attention) cache stays as the
  // first step left it and only the decoder's (self-attention) cache grows.
  let past: Record<string, ort.Tensor> = {};
  const empty = new Float32Array(0);
  for (let layer = 0; layer < shape.layers; layer++) {
    for (const side of ['decoder', 'encoder']) {
      for (const kind of ['key', 'value']) {
        past[`past_key_values.${layer}.${side}.${kind}`] = new ort.Tensor('float32', empty, [
          0,
          shape.kvHeads,
          1,
          shape.headDim,
        ]);
      }
    }
  }
  const maxTokens = Math.max(MIN_TOKENS, Math.trunc((audio.length / STT_SAMPLE_RATE) * MAX_TOKENS_PER_S));
  const tokens: number[] = [];
  let next = START_TOKEN;
  for (let step = 0; step < maxTokens; step++) {
    if (ctx.signal.aborted) break;
    const out = await model.decoder.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(next)), [1, 1]),
      encoder_hidden_states: encoded!,
      use_cache_branch: new ort.Tensor('bool', [step > 0], [1]),
      ...past,
    });
    next = argMaxLast(out.logits!);
    if (next === END_TOKEN) break;
    tokens.push(next);
    ctx.progress(model.decode(tokens));
    const kept: Record<string, ort.Tensor> = {};
    for (const name of Object.keys(past)) {
      const present = out[name.replace('past_key_values', 'present')];
      if (!present) throw new SttError('failed', `the Moonshine decoder gave no ${name} cache`);
      kept[name] = step === 0 || name.includes('.decoder.') ? present : past[name]!;
    }
    past = kept;
  }
  return model.decode(tokens);
}

/** The most likely token of the last position of `[1, n, vocab]` logits. */
function argMaxLast(logits: ort.Tensor): number {
  const data = logits.data as Float32Array;
  const vocab = logits.dims[logits.dims.length - 1]!;
  const start = data.length - vocab;
  let best = 0;
  for (let i = 1; i < vocab; i++) if (data[start + i]! > data[start + best]!) best = i;
  return best;
}

async function open(ref: MoonshineModelRef): Promise<Loaded> {
  const session = async (file: string, inputs: string[], output: string): Promise<ort.InferenceSession> => {
    const full = path.join(ref.dir, file);
    let s: ort.InferenceSession;
    try {
      s = await ort.InferenceSession.create(full, { graphOptimizationLevel: 'all' });
    } catch (err) {
      throw brokenModel(ref, `${file} is not a loadable ONNX model (${firstLine(err)})`, err);
    }
    const missing = inputs.filter((n) => !s.inputNames.includes(n));
    if (missing.length > 0 || !s.outputNames.includes(output)) {
      throw brokenModel(
        ref,
        `${file} is not a Moonshine graph (inputs ${s.inputNames.slice(0, 4).join(', ')}…; ` +
          `needs ${inputs.join(', ')} → ${output})`,
      );
    }
    return s;
  };
  const encoder = await session(ref.shape.encoder, ['input_values'], 'last_hidden_state');
  const decoder = await session(
    ref.shape.decoder,
    ['input_ids', 'encoder_hidden_states', 'use_cache_branch', 'past_key_values.0.decoder.key'],
    'logits',
  );
  const { default: tokenizer } = await import('llama-tokenizer-js');
  const vocabSize = tokenizer.vocabById.length;
  // Moonshine's specials (ids past Llama's vocabulary) carry no text.
  const decode: Decode = (ids) =>
    tokenizer
      .decode(
        ids.filter((id) => id > END_TOKEN && id < vocabSize),
        false,
      )
      .trim();
  return { encoder, decoder, decode };
}

function brokenModel(ref: MoonshineModelRef, why: string, cause?: unknown): SttError {
  return new SttError(
    'failed',
    `could not load model ${ref.id} from ${ref.dir}: ${why} ` +
      `(delete the folder and run: bin/dialtone models fetch ${ref.id})`,
    cause === undefined ? undefined : { cause },
  );
}

function firstLine(err: unknown): string {
  return errorMessage(err).split('\n')[0]!.slice(0, 200);
}

/**
 * Whisper (ONNX) through transformers.js on its Node backend (onnxruntime-node), with the model files
 * from the model manager's cache. transformers.js is told never to reach the hub itself
 * (`allowRemoteModels = false`): fetching is the manager's job, with progress, resume and checksums.
 * A pipeline is loaded once per model folder and shared by every lane; recognitions run one at a time
 * (two cores: running two at once only makes both slower).
 *
 * This runs in the whisper worker (whisper-worker.ts), or in the engine thread where no worker can
 * start (local.ts decides): an inference blocks its thread for as long as it takes. The same worker
 * serves Moonshine models (a ref with `moonshine`), which run on onnxruntime-node directly
 * (moonshine-model.ts).
 */
import path from 'node:path';
import { errorMessage } from '../../../../shared/error-message';
import type { MoonshineShape } from '../../models/registry';
import type { JobContext } from '../../workers/job-server';
import { loadMoonshine, recognizeMoonshine, unloadMoonshine } from './moonshine-model';
import { LoadedModels } from './loaded-models';
import { SttError, STT_SAMPLE_RATE } from './types';

/** A model folder, as the model manager laid it out (what transformers.js needs to load it). */
export interface WhisperModelRef {
  /** The registry id: the folder's name under `root`. */
  id: string;
  /** `<root>/<id>`. */
  dir: string;
  /** The cache folder holding every model. */
  root: string;
  /** Which ONNX files to load (`q8` picks the `_quantized` ones). */
  dtype: 'q8' | 'fp32';
  /** Set for a Moonshine model: its graphs and cache shape (it does not go through transformers.js). */
  moonshine?: MoonshineShape;
}

/** What the engine thread asks of the whisper worker. */
export type WhisperJob =
  | { kind: 'load'; model: WhisperModelRef }
  | {
      kind: 'recognize';
      model: WhisperModelRef;
      /** Mono samples at 16 kHz. */
      audio: Float32Array;
      /** An English-only model (`*.en`): no task or language to give it. */
      english: boolean;
      /** `en`, … for a multilingual model; unset lets it detect the language. */
      language?: string;
    }
  /** Drops every loaded pipeline. */
  | { kind: 'unload' };

/** `recognize` → the transcript ('' when aborted before it started); `load`, `unload` → null. */
export type WhisperResult = string | null;

type Transcriber = (
  audio: Float32Array,
  options: Record<string, unknown>,
) => Promise<{ text: string } | { text: string }[]>;

interface Loaded {
  transcriber: Transcriber;
  tokenizer: unknown;
  dispose: () => Promise<void>;
}

const WHISPER_WINDOW_S = 30;

/** Loaded pipelines by model folder. */
const pipelines = new LoadedModels<WhisperModelRef, Loaded>(open, (l) => l.dispose());

/**
 * Serves one job (in the worker, or in-process). A recognition streams its text so far through
 * `ctx.progress` and stops between tokens once `ctx.signal` aborts.
 */
export async function runWhisperJob(job: WhisperJob, ctx: JobContext<string>): Promise<WhisperResult> {
  switch (job.kind) {
    case 'load':
      if (job.model.moonshine) await loadMoonshine({ ...job.model, shape: job.model.moonshine });
      else await pipelines.get(job.model);
      return null;
    case 'recognize': {
      const { moonshine } = job.model;
      if (moonshine) return recognizeMoonshine({ ...job.model, shape: moonshine }, job.audio, ctx);
      return pipelines.run(job.model, (model) => recognize(model, job, ctx));
    }
    case 'unload':
      await Promise.all([pipelines.unloadAll(), unloadMoonshine()]);
      return null;
  }
}

async function recognize(
  model: Loaded,
  job: Extract<WhisperJob, { kind: 'recognize' }>,
  ctx: JobContext<string>,
): Promise<string> {
  if (ctx.signal.aborted) return '';
  const tf = await import('@huggingface/transformers');
  let partial = '';
  const streamer = new tf.WhisperTextStreamer(model.tokenizer as never, {
    skip_prompt: true,
    callback_function: (piece: string) => {
      partial += piece;
      ctx.progress(partial.trim());
    },
    // Throwing from the streamer is the one way to stop generate() between tokens.
    token_callback_function: () => {
      if (ctx.signal.aborted) throw new Error('aborted');
    },
  });
  const { audio } = job;
  const out = await model.transcriber(audio, {
    streamer,
    // Whisper sees 30 s at a time; a longer utterance is cut into overlapping windows.
    ...(audio.length > WHISPER_WINDOW_S * STT_SAMPLE_RATE
      ? { chunk_length_s: WHISPER_WINDOW_S, stride_length_s: 5 }
      : {}),
    ...(job.english ? {} : { task: 'transcribe', ...(job.language ? { language: job.language } : {}) }),
  });
  return (Array.isArray(out) ? out.map((o) => o.text).join(' ') : out.text).trim();
}

async function open(ref: WhisperModelRef): Promise<Loaded> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = ref.root + path.sep;
  tf.env.useFSCache = false;
  let pipe: Awaited<ReturnType<typeof tf.pipeline<'automatic-speech-recognition'>>>;
  try {
    pipe = await tf.pipeline('automatic-speech-recognition', ref.id, {
      device: 'cpu',
      dtype: ref.dtype,
      local_files_only: true,
    });
  } catch (err) {
    // A corrupt file or a model of the wrong shape: one line naming the folder, not a stack.
    const why = errorMessage(err).split('\n')[0]!.slice(0, 300);
    throw new SttError(
      'failed',
      `could not load model ${ref.id} from ${ref.dir}: ${why} ` +
        `(delete the folder and run: bin/dialtone models fetch ${ref.id})`,
      { cause: err },
    );
  }
  return {
    transcriber: pipe as unknown as Transcriber,
    tokenizer: pipe.tokenizer,
    dispose: () => pipe.dispose(),
  };
}

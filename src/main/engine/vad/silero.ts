/**
 * Silero VAD v5 on onnxruntime-node. The session is loaded once per process and model file; each
 * audio stream (lane, CLI run) gets its own recurrent state and 64-sample context through
 * `newStream()`, which is the `VadModel` the endpointer takes.
 */
import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CONTEXT_SAMPLES, FRAME_SAMPLES, SAMPLE_RATE, type VadModel } from './model';
import { errorMessage, ProviderError } from '../errors';

/**
 * The shipped model (see assets/models/README.md): `DIALTONE_VAD_MODEL`, else assets/ beside the
 * source tree (tsx, tests) or beside the Electron bundle (out/main → the app folder). From
 * __filename, not __dirname: tsx's ESM loader sets only __filename right.
 */
export const SILERO_MODEL_PATH =
  process.env.DIALTONE_VAD_MODEL ??
  [
    join(dirname(__filename), '..', '..', '..', '..', 'assets', 'models', 'silero_vad.onnx'),
    join(dirname(__filename), '..', '..', 'assets', 'models', 'silero_vad.onnx'),
  ].find((path) => existsSync(path)) ??
  join(dirname(__filename), '..', '..', '..', '..', 'assets', 'models', 'silero_vad.onnx');

const STATE_SIZE = 2 * 1 * 128;

/**
 * The model file is missing, unreadable or not Silero VAD v5: one line naming the file. Not retryable:
 * the file ships with the app and must be replaced before the microphone can listen.
 */
export class VadModelError extends ProviderError<'vad_unavailable'> {
  override name = 'VadModelError';
  constructor(message: string) {
    super('vad', 'vad_unavailable', message, false);
  }
}

export interface SileroVad {
  readonly modelPath: string;
  /** A fresh stream: zero state, zero context. */
  newStream(): VadModel;
}

const sessions = new Map<string, Promise<SileroVad>>();

/** Loads (once per path and process) the Silero VAD v5 model. */
export function loadSileroVad(modelPath: string = SILERO_MODEL_PATH): Promise<SileroVad> {
  let loading = sessions.get(modelPath);
  if (!loading) {
    loading = open(modelPath);
    // A failed load is not cached: the file may be put in place and the lane retried.
    loading.catch(() => sessions.delete(modelPath));
    sessions.set(modelPath, loading);
  }
  return loading;
}

async function open(modelPath: string): Promise<SileroVad> {
  try {
    await access(modelPath);
  } catch {
    throw new VadModelError(`${modelPath}: Silero VAD model file is missing (it ships in assets/models/)`);
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    const why = errorMessage(err).split('\n')[0];
    throw new VadModelError(`${modelPath}: not a loadable ONNX model (${why})`);
  }
  checkShape(session, modelPath);
  const sr = new ort.Tensor('int64', BigInt64Array.of(BigInt(SAMPLE_RATE)), []);
  const vad: SileroVad = { modelPath, newStream: () => new SileroStream(session, sr) };
  // One real frame proves the graph takes our shapes (a wrong model can pass the name check).
  try {
    await vad.newStream().process(new Float32Array(FRAME_SAMPLES));
  } catch (err) {
    const why = errorMessage(err).split('\n')[0];
    throw new VadModelError(`${modelPath}: not a Silero VAD v5 model (${why})`);
  }
  return vad;
}

function checkShape(session: ort.InferenceSession, modelPath: string): void {
  const inputs = session.inputNames;
  const outputs = session.outputNames;
  const named =
    ['input', 'state', 'sr'].every((n) => inputs.includes(n)) &&
    ['output', 'stateN'].every((n) => outputs.includes(n));
  const state = session.inputMetadata.find((m) => m.name === 'state');
  const dims = state && state.isTensor ? state.shape : [];
  const stateOk = dims.length === 3 && dims[0] === 2 && dims[2] === 128;
  if (!named || !stateOk) {
    throw new VadModelError(
      `${modelPath}: not a Silero VAD v5 model (inputs ${inputs.join(', ')}; outputs ${outputs.join(', ')}; ` +
        `need input, state [2, 1, 128], sr → output, stateN)`,
    );
  }
}

class SileroStream implements VadModel {
  private state: Float32Array<ArrayBufferLike> = new Float32Array(STATE_SIZE);
  /** Context (last 64 samples of the previous frame) followed by the new frame. */
  private readonly window = new Float32Array(CONTEXT_SAMPLES + FRAME_SAMPLES);

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly sr: ort.Tensor,
  ) {}

  async process(frame: Float32Array): Promise<number> {
    if (frame.length !== FRAME_SAMPLES) throw new RangeError(`Silero frame must be ${FRAME_SAMPLES} samples`);
    const window = this.window;
    window.copyWithin(0, FRAME_SAMPLES); // previous frame's tail becomes the context
    window.set(frame, CONTEXT_SAMPLES);
    const out = await this.session.run({
      input: new ort.Tensor('float32', window, [1, window.length]),
      state: new ort.Tensor('float32', this.state, [2, 1, 128]),
      sr: this.sr,
    });
    this.state = out.stateN!.data as Float32Array;
    return (out.output!.data as Float32Array)[0]!;
  }

  reset(): void {
    this.state = new Float32Array(STATE_SIZE);
    this.window.fill(0);
  }
}

/**
 * `kokoro`: Kokoro-82M (ONNX), the local neural voice, through the model manager.
 *
 * Not wired to synthesis yet: the model registry (`../../models/registry.ts`) has no Kokoro entry
 * (its files' exact sizes and SHA-256 must be pinned from the hub, which is not reachable where this
 * was written), so it can be neither downloaded nor verified, and the phonemizer Kokoro needs
 * (espeak-ng IPA, post-processed as kokoro-js does) could not be checked against the real model.
 * Until then every synthesis fails with a ModelMissingError that says so and names the working
 * alternative — a Kokoro server through `openai-compatible` — never with made-up audio.
 */
import path from 'node:path';
import type { Clock } from '../../clock';
import { ModelMissingError, modelsDir } from '../../models';
import { TtsError } from './errors';
import { Tts } from './tts';

export const KOKORO_MODEL_ID = 'kokoro-82m';
export const KOKORO_SAMPLE_RATE = 24_000;

/** Kokoro v1.0 English voices (hexgrad/Kokoro-82M `voices/*.bin`). */
export const KOKORO_VOICES: readonly { id: string; label: string }[] = [
  { id: 'af_heart', label: 'Heart — US English, female' },
  { id: 'af_bella', label: 'Bella — US English, female' },
  { id: 'am_michael', label: 'Michael — US English, male' },
  { id: 'am_fenrir', label: 'Fenrir — US English, male' },
  { id: 'bf_emma', label: 'Emma — British English, female' },
  { id: 'bm_george', label: 'George — British English, male' },
];

export interface KokoroOptions {
  voice?: string;
  model?: string;
  env: Record<string, string | undefined>;
}

export class KokoroTts extends Tts {
  readonly id = 'kokoro';
  readonly label: string;
  readonly sampleRate = KOKORO_SAMPLE_RATE;
  readonly voice: string;
  private readonly modelId: string;
  private readonly dir: string;

  constructor(options: KokoroOptions, clock: Clock) {
    super(clock);
    const voice = options.voice ?? KOKORO_VOICES[0]!.id;
    if (!KOKORO_VOICES.some((v) => v.id === voice)) {
      this.warnings.push(
        `unknown Kokoro voice "${voice}": using ${KOKORO_VOICES[0]!.id} (voices: ${KOKORO_VOICES.map((v) => v.id).join(', ')})`,
      );
      this.voice = KOKORO_VOICES[0]!.id;
    } else {
      this.voice = voice;
    }
    this.modelId = options.model ?? KOKORO_MODEL_ID;
    this.dir = path.join(modelsDir(options.env), this.modelId);
    this.label = `Kokoro-82M · ${this.voice}`;
  }

  /** The error every synthesis fails with while Kokoro has no registry entry. */
  missing(): ModelMissingError {
    return new ModelMissingError(
      this.modelId,
      this.dir,
      'local Kokoro is not available in this build: it is not in the model registry yet, so it cannot ' +
        'be downloaded or verified; a Kokoro server works through ' +
        '--tts openai-compatible:url=http://127.0.0.1:8880/v1,model=kokoro,voice=af_heart',
    );
  }

  override async warm(): Promise<void> {
    throw this.asTtsError();
  }

  // eslint-disable-next-line require-yield
  protected async *run(): AsyncIterable<Int16Array> {
    throw this.asTtsError();
  }

  private asTtsError(): TtsError {
    const err = this.missing();
    return new TtsError('model_missing', err.message, false, { cause: err });
  }
}

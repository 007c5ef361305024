/**
 * `kokoro`: Kokoro-82M, the local neural voice — phonemes from the bundled espeak-ng (kokoro-text.ts),
 * speech from the ONNX model on onnxruntime-node (kokoro-model.ts), files from the model manager.
 *
 * The model and its voices (~95 MB) download when a lane picks a Kokoro voice (`warm`, with progress)
 * or with `bin/dialtone models fetch kokoro-82m`; a turn never waits for a download: while the model
 * is not in the cache, a turn's voice fails with a model_missing error that says why, and the next
 * turn tries again. Kokoro speaks a piece once it is whole, so text goes in clause-sized pieces
 * (splitIds): first audio comes after the first clause, not the whole chunk.
 */
import { LaneSpecError } from '../../../../shared/lane-spec';
import type { Clock } from '../../clock';
import { ModelManager } from '../../models/manager';
import type { ModelLocation } from '../../models/manager';
import { ModelMissingError, ModelVerifyError } from '../../models/errors';
import { DEFAULT_KOKORO_MODEL } from '../../models/registry';
import { Chunker } from '../../speech/chunker';
import { espeakHost } from './espeak-host';
import { TtsError } from './errors';
import { openKokoro } from './kokoro-host';
import type { KokoroHandle } from './kokoro-host';
import { KOKORO_MAX_PHONEMES, KOKORO_SAMPLE_RATE } from './kokoro-model';
import { accentOf, textToPhonemes } from './kokoro-text';
import type { Phonemize } from './kokoro-text';
import type { RunsIn } from '../../workers/placement';
import { Tts } from './tts';
import type { TtsWarmOptions } from './tts';

export { KOKORO_SAMPLE_RATE } from './kokoro-model';

/** Kokoro v1.0 voices Dialtone fetches (each `voices/<id>.bin` in the registry entry). */
export const KOKORO_VOICES: readonly { id: string; label: string }[] = [
  { id: 'af_heart', label: 'Heart — US English, female' },
  { id: 'af_bella', label: 'Bella — US English, female' },
  { id: 'am_michael', label: 'Michael — US English, male' },
  { id: 'am_fenrir', label: 'Fenrir — US English, male' },
  { id: 'bf_emma', label: 'Emma — British English, female' },
  { id: 'bm_george', label: 'George — British English, male' },
];

/** Longest piece of text phonemized and spoken in one go, characters. */
const PIECE_CHARS = 240;

export interface KokoroOptions {
  voice?: string;
  /** Registry id of the model (default kokoro-82m). */
  model?: string;
  /** Pace relative to the voice's natural one (default 1). */
  speed?: number;
  env: Record<string, string | undefined>;
  /** The model cache (default one for `env`). */
  models?: ModelManager;
}

export class KokoroTts extends Tts {
  readonly id = 'kokoro';
  readonly sampleRate = KOKORO_SAMPLE_RATE;
  readonly voice: string;
  /** Where the model runs: its worker thread, or the engine's when no worker could start (null until loaded). */
  where: RunsIn | null = null;
  private placement: string | null = null;
  private readonly speed: number;
  private readonly modelId: string;
  private readonly models: ModelManager;
  /** A download started by `warm`, while it runs. */
  private downloading: Promise<ModelLocation> | null = null;
  /** The model, loaded with this voice (in the Kokoro worker). */
  private handle: Promise<KokoroHandle> | null = null;

  constructor(options: KokoroOptions, clock: Clock) {
    super(clock);
    this.models = options.models ?? new ModelManager({ env: options.env });
    this.modelId = options.model ?? DEFAULT_KOKORO_MODEL;
    // An unknown model is a configuration error, at once, not a turn error.
    const kokoros = this.models.list().filter((m) => m.onnx !== undefined);
    if (!kokoros.some((m) => m.id === this.modelId)) {
      throw new LaneSpecError(
        `tts spec kokoro: unknown model "${this.modelId}" (known: ${kokoros.map((m) => m.id).join(', ')})`,
      );
    }
    const voice = options.voice ?? KOKORO_VOICES[0]!.id;
    if (!KOKORO_VOICES.some((v) => v.id === voice)) {
      this.warnings.push(
        `unknown Kokoro voice "${voice}": using ${KOKORO_VOICES[0]!.id} (voices: ${KOKORO_VOICES.map((v) => v.id).join(', ')})`,
      );
      this.voice = KOKORO_VOICES[0]!.id;
    } else {
      this.voice = voice;
    }
    this.speed = options.speed ?? 1;
  }

  /** "Kokoro-82M · af_heart", marked when the model runs on the engine thread. */
  get label(): string {
    const where = this.where === 'in-process' ? ' · on the engine thread' : '';
    return `Kokoro-82M · ${this.voice}${where}`;
  }

  override get engineThread(): string | null {
    return this.placement;
  }

  /**
   * Downloads the model if needed (unless offline) and loads it and the voice, so the first reply
   * pays for neither.
   */
  override async warm(options: TtsWarmOptions = {}): Promise<void> {
    const download = this.models.ensure(this.modelId, { onProgress: options.onProgress });
    this.downloading = download;
    try {
      await this.load(await download);
    } catch (err) {
      throw this.asTtsError(err);
    } finally {
      if (this.downloading === download) this.downloading = null;
    }
  }

  protected async *run(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    let model: KokoroHandle;
    try {
      const location = await this.models.ensure(this.modelId, {
        offline: true,
        offlineReason: this.downloading ? 'still downloading' : 'not in the model cache',
      });
      model = await this.load(location);
    } catch (err) {
      throw this.asTtsError(err);
    }
    const phonemize = espeakPhonemizer(signal);
    const chunker = new Chunker({ maxChars: PIECE_CHARS });
    for (const piece of [...chunker.push(text), ...chunker.flush()]) {
      const phonemes = await textToPhonemes(piece, accentOf(this.voice), phonemize);
      for (const ids of splitIds(phonemes, model)) {
        if (signal.aborted) return;
        let samples: Float32Array;
        try {
          samples = await model.generate(ids, this.speed, signal);
        } catch (err) {
          if (signal.aborted) return;
          throw err;
        }
        yield toPcm16(samples);
      }
    }
  }

  private load(location: ModelLocation): Promise<KokoroHandle> {
    if (!this.handle) {
      const handle = openKokoro({ dir: location.dir, onnx: location.entry.onnx! }, this.voice);
      this.handle = handle;
      handle.then(
        ({ where, warning }) => {
          this.where = where;
          this.placement = warning;
          if (warning && !this.warnings.includes(warning)) this.warnings.push(warning);
        },
        () => undefined,
      );
      // A failed load (a corrupt file since replaced) is tried again next time.
      handle.catch(() => {
        if (this.handle === handle) this.handle = null;
      });
    }
    return this.handle;
  }

  private asTtsError(err: unknown): TtsError {
    if (err instanceof TtsError) return err;
    // Not downloaded, or a download that failed its checksum: either way the model is not there.
    if (err instanceof ModelMissingError || err instanceof ModelVerifyError)
      return new TtsError('model_missing', err.message, { cause: err });
    return TtsError.wrap(err, this.label);
  }
}

/** espeak's IPA for every run of words, in one espeak run when the clauses come back one to one. */
export function espeakPhonemizer(signal: AbortSignal): Phonemize {
  return async (runs, accent) => {
    const host = await espeakHost();
    // Each run ends a clause, so espeak answers one line per run — unless it splits a run itself.
    const lines = await host.phonemize(runs.join('.\n'), accent, signal);
    if (lines.length === runs.length) return lines;
    const each: string[] = [];
    for (const run of runs) each.push((await host.phonemize(run, accent, signal)).join(' '));
    return each;
  };
}

/**
 * The most phoneme symbols one inference gets. The model takes 510, but an inference cannot be
 * stopped once it runs: after a barge-in the worker finishes the piece it is on before the next
 * reply's first piece can start. Speech runs at ~14 symbols a second (stress marks and spaces count),
 * so 80 is a long clause, ~5 s of speech — the wait is that piece's synthesis time (~0.5 s at a
 * laptop's real-time factor of 0.1, ~4 s on two slow cores) — and a piece still sounds whole.
 */
export const KOKORO_PIECE_PHONEMES = 80;

/**
 * Phoneme ids in pieces of at most `maxIds`, cut after punctuation where a piece can end there (past a
 * third of its length), else after a word; a single "word" longer than that is cut where it must be.
 */
export function splitIds(
  phonemes: string,
  model: Pick<KokoroHandle, 'tokenize'>,
  maxIds = KOKORO_PIECE_PHONEMES,
): number[][] {
  const limit = Math.min(maxIds, KOKORO_MAX_PHONEMES);
  const pieces: number[][] = [];
  let piece: number[] = [];
  /** Where `piece` could end after punctuation (ids before the cut). */
  let clauseEnd = 0;
  for (const word of phonemes.split(/(?<= )/)) {
    let ids = model.tokenize(word);
    if (piece.length + ids.length > limit && piece.length > 0) {
      const cut = clauseEnd >= limit / 3 ? clauseEnd : piece.length;
      pieces.push(piece.slice(0, cut));
      piece = piece.slice(cut);
      clauseEnd = 0;
    }
    while (ids.length > limit) {
      pieces.push(ids.slice(0, limit));
      ids = ids.slice(limit);
    }
    piece.push(...ids);
    if (/[,;:.!?—…]\s*$/.test(word)) clauseEnd = piece.length;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

function toPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out[i] = Math.round(s * 32767);
  }
  return out;
}

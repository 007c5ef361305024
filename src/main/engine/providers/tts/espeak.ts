/**
 * espeak-ng, bundled (WebAssembly, offline, no download): the default voice that always works.
 * Synthesis runs in a worker thread (espeak-host.ts). Long text is spoken a sentence at a time, so
 * the first audio comes after the first clause and an abort takes effect at once (the piece being
 * synthesized is dropped when it arrives).
 */
import type { Clock } from '../../clock';
import { Chunker } from '../../speech/chunker';
import { ESPEAK_SAMPLE_RATE } from './espeak-engine';
import type { EspeakArgs } from './espeak-engine';
import { espeakHost } from './espeak-host';
import type { EspeakHost } from './espeak-host';
import { Tts } from './tts';
import { resolveEspeakVoice } from './voices';
import type { EspeakVoice } from './voices';

/** Longest piece handed to one espeak run, characters. */
const PIECE_CHARS = 240;

export interface EspeakOptions {
  voice?: string;
  /** Words per minute. */
  rate?: number;
}

export class EspeakTts extends Tts {
  readonly id = 'espeak';
  readonly sampleRate = ESPEAK_SAMPLE_RATE;
  /** Where espeak runs: a worker thread, or this one when no worker could start (null until used). */
  where: EspeakHost['where'] | null = null;
  private currentVoice: EspeakVoice;
  private readonly rate: number;
  private checked: Promise<void> | null = null;
  private placement: string | null = null;

  constructor(options: EspeakOptions, clock: Clock) {
    super(clock);
    const { voice, warning } = resolveEspeakVoice(options.voice);
    if (warning) this.warnings.push(warning);
    this.currentVoice = voice;
    this.rate = Math.min(450, Math.max(80, options.rate ?? voice.rate));
  }

  /** The voice in use (the default after a fallback). */
  get voice(): EspeakVoice {
    return this.currentVoice;
  }

  get label(): string {
    return `espeak-ng · ${this.currentVoice.label}`;
  }

  override get engineThread(): string | null {
    return this.placement;
  }

  override async warm(): Promise<void> {
    await this.check(await espeakHost());
  }

  protected async *run(text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    const host = await espeakHost();
    await this.check(host);
    const chunker = new Chunker({ maxChars: PIECE_CHARS });
    const pieces = [...chunker.push(text), ...chunker.flush()];
    for (const piece of pieces) {
      if (signal.aborted) return;
      let pcm: Int16Array;
      try {
        pcm = await host.synthesize(piece, this.args(), signal);
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      yield trimSilence(pcm, pieces.length === 1);
    }
  }

  private args(): EspeakArgs {
    return { voice: this.currentVoice.espeak, rate: this.rate, pitch: this.currentVoice.pitch };
  }

  /** A voice espeak does not know makes it print an error and write no audio: fall back, once. */
  private check(host: EspeakHost): Promise<void> {
    this.where = host.where;
    this.placement = host.warning;
    if (host.warning && !this.warnings.includes(host.warning)) this.warnings.push(host.warning);
    this.checked ??= host.synthesize('a', this.args(), new AbortController().signal).then(
      () => undefined,
      () => {
        const fallback = resolveEspeakVoice(undefined).voice;
        this.warnings.push(`espeak has no voice "${this.currentVoice.espeak}": using ${fallback.id}`);
        this.currentVoice = fallback;
      },
    );
    return this.checked;
  }
}

/**
 * espeak pads each run with silence; between the sentences of one chunk that sounds like a stutter.
 * Trims trailing silence beyond 80 ms (kept whole when the piece is the whole chunk).
 */
function trimSilence(pcm: Int16Array, whole: boolean): Int16Array {
  if (whole) return pcm;
  let end = pcm.length;
  while (end > 0 && Math.abs(pcm[end - 1]!) < 64) end--;
  const keep = Math.min(pcm.length, end + Math.round(ESPEAK_SAMPLE_RATE * 0.08));
  return pcm.subarray(0, keep);
}

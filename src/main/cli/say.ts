/**
 * `dialtone say "<text>" --out <file.wav> [--tts SPEC] [--json]` → `{firstAudioMs, audioMs,
 * sampleRate}`: the text spoken by the same provider code a lane uses, timed, written as a 16-bit
 * mono WAV at the provider's rate. Empty text speaks nothing: a WAV with no samples and zero audio.
 */
import { writeFile } from 'node:fs/promises';
import { LaneSpecError } from '../../shared/lane-spec';
import { DEFAULT_TTS_SPEC, formatSpeechSpec, parseTtsSpec } from '../../shared/speech-spec';
import { encodeWav } from '../engine/audio/wav';
import { systemClock } from '../engine/clock';
import { createTts, TtsError } from '../engine/providers/tts';
import { CliError, parse, printJson, say } from './args';
import { progressPrinter } from './progress';
import { USAGES } from './usage';
import { errorMessage } from '../engine/errors';

const USAGE = USAGES.say;

export async function sayCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { out: { type: 'string' }, tts: { type: 'string' } }, USAGE);
  if (positionals.length === 0) throw new CliError(`no text given\nusage: ${USAGE}`);
  const text = positionals.join(' ');
  const out = values.out === undefined ? undefined : String(values.out);
  if (out === undefined || out.trim() === '')
    throw new CliError(`--out <file.wav> is required\nusage: ${USAGE}`);
  const json = values.json === true;
  try {
    const spec = parseTtsSpec(String(values.tts ?? DEFAULT_TTS_SPEC));
    const tts = createTts(spec, { clock: systemClock, env: process.env });
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    // Loading the engine (espeak's WebAssembly, a model — downloaded first if missing) is not time
    // to first audio of a chunk.
    if (text.trim() !== '') {
      const progress = progressPrinter();
      await tts.warm({ onProgress: progress.onProgress }).finally(progress.end);
    }
    for (const warning of tts.warnings) say(`warning: ${warning}`);
    const { pcm, sampleRate, metrics } = await tts.synthesizeAll(text, { signal: abort.signal });
    await tts.close();
    try {
      await writeFile(out, encodeWav(pcm, sampleRate));
    } catch (err) {
      throw new CliError(`cannot write ${out}: ${errorMessage(err)}`);
    }
    const result = {
      firstAudioMs: metrics.firstAudioMs,
      audioMs: metrics.audioMs,
      sampleRate,
      totalMs: metrics.totalMs,
      realTimeFactor: metrics.realTimeFactor,
      provider: formatSpeechSpec(spec),
      voice: tts.label,
      out,
      ...(tts.warnings.length ? { warnings: tts.warnings } : {}),
      ...(metrics.aborted ? { aborted: true } : {}),
    };
    if (json) printJson(result);
    else {
      say(
        `${tts.label}: first audio ${fmt(metrics.firstAudioMs)} ms · ${fmt(metrics.audioMs)} ms of audio at ` +
          `${sampleRate} Hz · real-time factor ${metrics.realTimeFactor === null ? '–' : metrics.realTimeFactor.toFixed(3)} → ${out}`,
      );
    }
  } catch (err) {
    if (err instanceof LaneSpecError || err instanceof TtsError) throw new CliError(err.message);
    throw err;
  }
}

const fmt = (n: number | null): string => (n === null ? '–' : n.toFixed(n < 100 ? 1 : 0));

/**
 * `dialtone transcribe <file.wav> [--stt SPEC] [--json]` → `{text, sttMs}`. The file is decoded and
 * converted to 16 kHz mono like the lane's audio, then recognized by the same provider code the lane
 * uses. Never downloads: a missing local model is one line saying which model and how to fetch it.
 */
import { LaneSpecError } from '../../shared/lane-spec';
import { DEFAULT_STT_SPEC, formatSpeechSpec, parseSttSpec } from '../../shared/speech-spec';
import { readWavFile, toMono16k, WavError } from '../engine/audio/wav';
import { systemClock } from '../engine/clock';
import { ModelMissingError, ModelVerifyError } from '../engine/models/errors';
import { createStt, SttError } from '../engine/providers/stt';
import { CliError, parse, printJson, say } from './args';
import { USAGES } from './usage';

const USAGE = USAGES.transcribe;

export async function transcribeCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { stt: { type: 'string' } }, USAGE);
  if (positionals.length !== 1) {
    throw new CliError(
      `${positionals.length === 0 ? 'no WAV file given' : 'one WAV file at a time'}\nusage: ${USAGE}`,
    );
  }
  const file = positionals[0]!;
  const json = values.json === true;
  try {
    const spec = parseSttSpec(String(values.stt ?? DEFAULT_STT_SPEC));
    const stt = createStt(spec, { clock: systemClock, env: process.env });
    if (!stt.acceptsAudio) throw new CliError(`--stt ${spec.provider} takes no audio: nothing to transcribe`);
    const audio = toMono16k(await readWavFile(file));
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const result = await stt.recognize({
      audio,
      signal: abort.signal,
      onPartial: (text) => {
        if (!json && process.stderr.isTTY) process.stderr.write(`\r… ${text.slice(-70)}`);
      },
    });
    await stt.close();
    if (json) {
      printJson({
        text: result.text,
        sttMs: result.sttMs,
        provider: formatSpeechSpec(spec),
        audioMs: (audio.length / 16_000) * 1000,
        ...(result.aborted ? { aborted: true } : {}),
      });
    } else {
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      process.stdout.write(`${result.text}\n`);
      say(`${stt.label}: ${result.sttMs.toFixed(0)} ms${result.aborted ? ' (cancelled)' : ''}`);
    }
  } catch (err) {
    if (
      err instanceof WavError ||
      err instanceof LaneSpecError ||
      err instanceof ModelMissingError ||
      err instanceof ModelVerifyError ||
      err instanceof SttError
    ) {
      throw new CliError(err.message);
    }
    throw err;
  }
}

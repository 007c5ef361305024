/**
 * The simulated backend's pure parts: tokenizer, reply content, pacing schedule, control header.
 * No sockets, no real time.
 */
import { describe, expect, it } from 'vitest';
import { extractTopic, planReply } from '../../src/main/engine/sim/content';
import {
  encodeSimControl,
  mergeKnobs,
  parseSimControlHeader,
  SIM_CONTROL_HEADER,
} from '../../src/main/engine/sim/control';
import { makeSchedule, pace } from '../../src/main/engine/sim/pacing';
import { countTokens, tokenize } from '../../src/main/engine/sim/tokenize';
import { DEFAULT_SIM_KNOBS } from '../../src/shared/lane-spec';

const plan = (question: string, seed: number, extra: Partial<Parameters<typeof planReply>[0]> = {}) =>
  planReply({ question, conversationKey: `user:${question}`, seed, reasoningTokens: 0, ...extra });

describe('tokenize', () => {
  it('splits into word pieces with a leading space, punctuation apart, and joins back exactly', () => {
    expect(tokenize("Hello, world! It's fine.")).toEqual([
      'Hello',
      ',',
      ' world',
      '!',
      ' It',
      "'s",
      ' fine',
      '.',
    ]);
    const text = 'Understanding tokenization\n\nThe 12345 cafés 🎉 are   open.';
    const pieces = tokenize(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces).toContain('\n\n');
    expect(pieces).toContain('ing'); // long words split like BPE
    expect(pieces).toContain(' 123'); // digits in groups of three
    expect(countTokens(text)).toBe(pieces.length);
  });

  it('gives about 1.3 tokens per English word, like a real tokenizer', () => {
    const text = plan('How do transformers work in machine learning?', 3).answer.join('');
    const words = text.split(/\s+/).length;
    const ratio = countTokens(text) / words;
    expect(ratio).toBeGreaterThan(1.05);
    expect(ratio).toBeLessThan(1.6);
  });
});

describe('reply content', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const q = 'What makes sourdough bread rise?';
    expect(plan(q, 7).answer).toEqual(plan(q, 7).answer);
    expect(plan(q, 7).answer.join('')).not.toBe(plan(q, 8).answer.join(''));
  });

  it('answers the topic of the question in plausible English of typical length', () => {
    for (const [q, words] of [
      ['How do I bake sourdough bread?', ['sourdough bread']],
      ['Tell me about the history of Rome.', ['history of Rome']],
      ['Can you explain how GPU inference speed affects voice assistants?', ['inference speed']],
    ] as const) {
      for (const seed of [1, 2, 3]) {
        const text = plan(q, seed).answer.join('');
        for (const w of words) expect(text.toLowerCase()).toContain(w.toLowerCase());
        expect(text).toMatch(/^[A-Z]/);
        expect(text).toMatch(/[.?!]$/);
        const n = countTokens(text);
        expect(n).toBeGreaterThanOrEqual(30);
        expect(n).toBeLessThanOrEqual(200);
      }
    }
  });

  it('picks the topic phrase and keywords from the question', () => {
    expect(extractTopic('How do I bake sourdough bread?')).toEqual({
      phrase: 'sourdough bread',
      keywords: ['bake'],
    });
    expect(extractTopic('What is machine learning, and why do GPU prices matter?')?.phrase).toBe(
      'machine learning',
    );
    expect(extractTopic('hi')).toBeNull();
    expect(plan('hi', 1).answer.join('')).toMatch(/^Hi there!/);
  });

  it('streams exactly the requested reasoning tokens, and cuts the answer at max tokens', () => {
    const p = plan('Why is the sky blue?', 1, { reasoningTokens: 333, maxAnswerTokens: 12 });
    expect(p.reasoning).toHaveLength(333);
    expect(p.reasoning.join('')).toMatch(/^[A-Z]/);
    expect(p.answer).toHaveLength(12);
    expect(p.finishReason).toBe('length');
    expect(plan('Why is the sky blue?', 1, { maxAnswerTokens: 10_000 }).finishReason).toBe('stop');
  });

  it('writes an answer of exactly the requested length, still on topic, when told how long', () => {
    const p = plan('Tell me about sailing boats.', 1, { answerTokens: 2_000 });
    expect(p.answer).toHaveLength(2_000);
    expect(p.finishReason).toBe('stop');
    expect(p.answer.join('')).toMatch(/sailing/i);
    expect(plan('Tell me about sailing boats.', 1, { answerTokens: 5 }).answer).toHaveLength(5);
  });

  it('uses a scripted reply verbatim', () => {
    const reply = 'Scripted: exactly these words, café included.';
    expect(plan('anything', 1, { reply }).answer.join('')).toBe(reply);
  });
});

describe('pacing schedule', () => {
  it('puts token i at start + ttft + i/tps', () => {
    const s = makeSchedule({ startMs: 1000, ttftMs: 150, tps: 2000, count: 10, jitter: 0, seed: 1 });
    expect(s.dueMs(0)).toBe(1150);
    expect(s.dueMs(9)).toBeCloseTo(1154.5, 9);
  });

  it('jitters gaps deterministically without changing the long-run rate or the order', () => {
    const o = { startMs: 0, ttftMs: 100, tps: 50, count: 1000, jitter: 1, seed: 42 };
    const a = makeSchedule(o);
    const b = makeSchedule(o);
    const gaps: number[] = [];
    for (let i = 1; i < o.count; i++) {
      expect(a.dueMs(i)).toBe(b.dueMs(i));
      gaps.push(a.dueMs(i) - a.dueMs(i - 1));
    }
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeGreaterThan(20); // gaps really vary (mean 20 ms)
    const rate = (o.count - 1) / ((a.dueMs(o.count - 1) - a.dueMs(0)) / 1000);
    expect(rate).toBeCloseTo(50, 0);
    expect(a.dueMs(0)).toBeGreaterThanOrEqual(50); // ttft ± jitter/2
    expect(a.dueMs(0)).toBeLessThanOrEqual(150);
    expect(makeSchedule({ ...o, seed: 43 }).dueMs(5)).not.toBe(a.dueMs(5));
  });

  it('hands over every token that is due at each wake, in order, then completes', async () => {
    let now = 0;
    const clock = { now: () => now };
    const s = makeSchedule({ startMs: 0, ttftMs: 0, tps: 1000, count: 20, jitter: 0, seed: 1 });
    const calls: [number, number][] = [];
    now = 5.5; // six tokens (0..5 ms) are already due when the pacer starts
    await new Promise<void>((resolve) => {
      pace(s, clock, (from, to) => {
        calls.push([from, to]);
        now += 7;
        if (to === s.count) resolve();
        return true;
      });
    });
    expect(calls[0]).toEqual([0, 6]);
    expect(calls.at(-1)![1]).toBe(20);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBe(calls[i - 1]![1]);
  });
});

describe('control header', () => {
  it('merges knobs over the defaults and round-trips non-ASCII replies as ASCII', () => {
    const header = encodeSimControl({ tps: 60, reply: 'Café ☕ 🎉' });
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    const parsed = parseSimControlHeader(header);
    expect(parsed).toEqual({ ok: true, control: { tps: 60, reply: 'Café ☕ 🎉' } });
    if (!parsed.ok) return;
    expect(mergeKnobs(DEFAULT_SIM_KNOBS, parsed.control)).toEqual({ ...DEFAULT_SIM_KNOBS, tps: 60 });
    expect(parseSimControlHeader(undefined)).toEqual({ ok: true, control: {} });
  });

  it('names the problem in an invalid header', () => {
    const msg = (v: string): string => {
      const r = parseSimControlHeader(v);
      return r.ok ? '' : r.message;
    };
    expect(msg('{tps')).toContain('not valid JSON');
    expect(msg('{"tps":-3}')).toMatch(new RegExp(`${SIM_CONTROL_HEADER}.*tps`));
    expect(msg('{"ttft":100}')).toContain('ttft'); // misspelt knob is an error, not ignored
    expect(msg('{"fault":{"kind":"explode"}}')).toContain('fault');
  });
});

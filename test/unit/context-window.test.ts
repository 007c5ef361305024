/**
 * The context window (regression: requests used to carry the whole conversation, until a long one
 * passed the backend's body limit and every request failed). The pure window, the lane's bounded
 * history, the `context=` spec key, the scenario personas' view, and a lane whose requests stay
 * inside the budget and whose timelines say when they trimmed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitContext, groupTurns, DEFAULT_CONTEXT_CHARS } from '../../src/main/engine/context-window';
import { personaView } from '../../src/main/engine/conversation/runner';
import { Lane, type SpeechFactories } from '../../src/main/engine/lane';
import { LaneHistory } from '../../src/main/engine/lane-history';
import { LLM_PRESETS } from '../../src/main/engine/providers/llm/presets';
import type { ChatMessage, LlmProvider, LlmStreamRequest } from '../../src/main/engine/providers/llm/types';
import { formatLaneSpec, LaneSpecError, parseLaneSpec } from '../../src/shared/lane-spec';
import { HELLO_HISTORY_CHARS, HELLO_HISTORY_ENTRIES, type EngineEvent } from '../../src/shared/protocol';
import type { Scenario } from '../../src/shared/scenario';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const bot = (content: string): ChatMessage => ({ role: 'assistant', content });
const turn = (n: number, size = 10): ChatMessage[] => [
  user(`u${n}`.padEnd(size, '.')),
  bot(`a${n}`.padEnd(size, '.')),
];
const chars = (messages: ChatMessage[]): number => messages.reduce((n, m) => n + m.content.length, 0);

describe('fitContext', () => {
  it('sends everything when it fits, and says nothing was dropped', () => {
    const { messages, report } = fitContext('sys', [turn(1), turn(2)], 1_000);
    expect(messages.map((m) => m.content.slice(0, 2))).toEqual(['sy', 'u1', 'a1', 'u2', 'a2']);
    expect(report).toEqual({ sentEntries: 4, droppedEntries: 0, chars: 43, budgetChars: 1_000 });
  });

  it('keeps the system prompt and the newest whole turns that fit, dropping the oldest', () => {
    // 5 for "sys..", 20 per turn: a budget of 50 holds the prompt and two turns.
    const { messages, report } = fitContext('sys..', [turn(1), turn(2), turn(3), turn(4)], 50);
    expect(messages[0]).toEqual({ role: 'system', content: 'sys..' });
    expect(messages.slice(1).map((m) => m.content.slice(0, 2))).toEqual(['u3', 'a3', 'u4', 'a4']);
    expect(report).toEqual({ sentEntries: 4, droppedEntries: 4, chars: 45, budgetChars: 50 });
  });

  it('never sends half a turn, and stops at the first turn that does not fit (no gaps)', () => {
    const huge = [user('x'.repeat(500)), bot('y')];
    const { messages, report } = fitContext('s', [turn(1), huge, turn(3)], 100);
    // turn 1 alone would fit, but it is older than the turn that did not: the window ends there.
    expect(messages.map((m) => m.content.slice(0, 2))).toEqual(['s', 'u3', 'a3']);
    expect(report.droppedEntries).toBe(4);
  });

  it('always sends the newest turn (what is being answered), even over the budget', () => {
    const { messages, report } = fitContext('sys', [turn(1), [user('q'.repeat(5_000))]], 1_000);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(report).toMatchObject({ sentEntries: 1, droppedEntries: 2, chars: 5_003 });
  });

  it('property: a whole-turn suffix, inside the budget beyond the newest turn, every entry counted', () => {
    const turnArb = fc.array(
      fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.string() }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ) as fc.Arbitrary<ChatMessage[]>;
    fc.assert(
      fc.property(fc.string(), fc.array(turnArb, { maxLength: 30 }), fc.nat(400), (system, turns, budget) => {
        const { messages, report } = fitContext(system, turns, budget);
        const sent = messages.slice(1);
        const total = turns.reduce((n, t) => n + t.length, 0);
        expect(messages[0]).toEqual({ role: 'system', content: system });
        expect(report.sentEntries).toBe(sent.length);
        expect(report.sentEntries + report.droppedEntries).toBe(total);
        expect(report.chars).toBe(chars(messages));
        // Whole turns from the end, in order.
        let k = turns.length;
        let n = 0;
        while (n < sent.length) n += turns[--k]!.length;
        expect(n).toBe(sent.length);
        expect(sent).toEqual(turns.slice(k).flat());
        if (turns.length > 0) expect(k).toBeLessThan(turns.length);
        // Over the budget only by the newest turn (and the prompt), never by an older one.
        if (k < turns.length - 1) expect(report.chars).toBeLessThanOrEqual(budget);
        // The next older turn did not fit.
        if (k > 0) expect(report.chars + chars(turns[k - 1]!)).toBeGreaterThan(budget);
      }),
    );
  });

  it('groups a history into turns by key; an entry without one is a turn of its own', () => {
    const entries = [{ k: 'a' }, { k: 'a' }, { k: undefined }, { k: undefined }, { k: 'b' }, { k: 'a' }];
    expect(groupTurns(entries, (e) => e.k).map((t) => t.length)).toEqual([2, 1, 1, 1, 1]);
  });
});

describe('the lane history (bounded)', () => {
  const entry = (n: number, role: 'user' | 'assistant', size = 100) => ({
    role,
    text: `${role}${n}`.padEnd(size, '.'),
    turnId: `t-${n}`,
  });

  it('forgets whole old turns beyond what the window and hello need, and counts them', () => {
    const history = new LaneHistory();
    const budget = 2_000;
    for (let n = 1; n <= 2_000; n++) {
      history.push(entry(n, 'user'), budget);
      history.push(entry(n, 'assistant'), budget);
    }
    // 200 entries (HELLO_HISTORY_ENTRIES) of 100 characters cover the 2,000-character window; a
    // hello also wants up to HELLO_HISTORY_CHARS of text: whichever is more is kept.
    const held = history.length;
    expect(held).toBeLessThanOrEqual(Math.max(HELLO_HISTORY_ENTRIES, HELLO_HISTORY_CHARS / 100) + 2);
    expect(held).toBeGreaterThanOrEqual(HELLO_HISTORY_ENTRIES);
    expect(held % 2).toBe(0); // whole turns only
    const { history: hello, omittedEntries } = history.forHello();
    expect(hello.length).toBe(HELLO_HISTORY_ENTRIES);
    expect(hello[0]!.role).toBe('user');
    expect(hello.at(-1)!.turnId).toBe('t-2000');
    expect(omittedEntries).toBe(4_000 - HELLO_HISTORY_ENTRIES);

    const { messages, report } = history.context('system', budget);
    expect(chars(messages)).toBeLessThanOrEqual(budget);
    expect(report.sentEntries).toBe(18); // 9 turns of 200 characters fit beside a 6-character prompt
    expect(report.sentEntries + report.droppedEntries).toBe(4_000);
    expect(messages.at(-1)!.content.startsWith('assistant2000')).toBe(true);
  });

  it('keeps a large window whole: nothing it could send is forgotten', () => {
    const history = new LaneHistory();
    const budget = 300_000;
    for (let n = 1; n <= 2_000; n++) {
      history.push(entry(n, 'user', 200), budget);
      history.push(entry(n, 'assistant', 200), budget);
    }
    const { report } = history.context('', budget);
    expect(report.chars).toBeGreaterThan(budget - 400);
    expect(report.chars).toBeLessThanOrEqual(budget);
  });

  it('hello never carries more than HELLO_HISTORY_CHARS (but always the newest entry)', () => {
    const history = new LaneHistory();
    for (let n = 1; n <= 30; n++) history.push(entry(n, 'user', 10_000), 1_000);
    const { history: hello, omittedEntries } = history.forHello();
    expect(hello.length).toBe(HELLO_HISTORY_CHARS / 10_000);
    expect(omittedEntries).toBe(30 - hello.length);
    history.clear();
    history.push(entry(1, 'user', HELLO_HISTORY_CHARS * 2), 1_000);
    expect(history.forHello().history).toHaveLength(1);
  });
});

describe('the context= spec key and the provider defaults', () => {
  it('parses and formats context= for the simulated backend and remote providers', () => {
    const sim = parseLaneSpec('sim:tps=100,context=8000');
    expect(sim).toMatchObject({ provider: 'sim', contextChars: 8_000 });
    expect(formatLaneSpec(sim)).toBe('sim:tps=100,ttft=150,context=8000');
    const remote = parseLaneSpec('groq:model=llama-3.1-8b-instant,context=40000');
    expect(remote).toMatchObject({ provider: 'groq', contextChars: 40_000 });
    expect(parseLaneSpec(formatLaneSpec(remote))).toEqual(remote);
    expect(() => parseLaneSpec('sim:context=10')).toThrow(LaneSpecError);
    expect(() => parseLaneSpec('sim:context=lots')).toThrow(/context=lots/);
  });

  it('every provider has a default window, and the simulated one is far below the server limit', () => {
    for (const preset of Object.values(LLM_PRESETS))
      expect(preset.contextChars).toBeGreaterThanOrEqual(4_000);
    expect(LLM_PRESETS.sim.contextChars).toBe(DEFAULT_CONTEXT_CHARS);
  });
});

describe('the personas of a scenario', () => {
  const scenario = {
    name: 'chat',
    title: 'Chat',
    personas: [
      { name: 'Ada', voice: 'en-us', prompt: 'You are Ada.' },
      { name: 'Ben', voice: 'en-us', prompt: 'You are Ben.' },
    ],
    opener: 'Ada',
    opening: 'Hi.',
    script: [],
    stop: { bothGoodbye: false, goodbyeWords: ['bye'], maxTurns: 200 },
  } as Scenario;

  it('see the newest lines that fit, each line a whole turn, from their own side', () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({
      speaker: (i % 2) as 0 | 1,
      text: `Line ${i} `.padEnd(100, '.'),
    }));
    const view = personaView(scenario, 0, lines, 1_000);
    expect(view.messages[0]!.role).toBe('system');
    expect(chars(view.messages)).toBeLessThanOrEqual(1_000);
    expect(view.messages.at(-1)).toEqual({ role: 'user', content: lines[99]!.text });
    expect(view.messages.at(-2)).toEqual({ role: 'assistant', content: lines[98]!.text });
    expect(view.report.droppedEntries).toBe(100 - view.report.sentEntries);
    expect(view.report.droppedEntries).toBeGreaterThan(80);
    // A short run fits whole.
    expect(personaView(scenario, 0, lines.slice(0, 4)).report.droppedEntries).toBe(0);
  });
});

describe('a lane with a small window', () => {
  it('sends at most its budget, and each turn’s timeline says how much it left out', async () => {
    const requests: ChatMessage[][] = [];
    const provider: LlmProvider = {
      id: 'fake',
      model: 'fake',
      label: 'fake',
      async stream(request: LlmStreamRequest) {
        requests.push(request.messages);
        const text = 'An answer of some forty characters, ok.';
        request.onEvent({ kind: 'token', text, atMs: performance.now() });
        const now = performance.now();
        return {
          text,
          reasoningText: '',
          aborted: false,
          finishReason: 'stop',
          metrics: {
            requestAtMs: now,
            firstTokenAtMs: now,
            firstAnswerTokenAtMs: now,
            lastTokenAtMs: now,
            ttftMs: 0,
            tokens: 1,
            reasoningTokens: 0,
            tokenCountSource: 'chunks',
            tokensPerSecond: null,
            genMs: 0,
            totalMs: 0,
          },
        };
      },
    };
    const events: EngineEvent[] = [];
    const speech = {
      createVad: () => Promise.reject(new Error('no VAD here')),
      createStt: () => ({ label: 'none', transcribe: async () => '' }),
      createTts: () => null,
      createChunker: () => ({ push: () => [], flush: () => [], reset: () => {} }),
    } as unknown as SpeechFactories;
    const lane = new Lane('w', 'w', 'sim:context=1000', {
      clock: { now: () => performance.now() },
      createProvider: () => provider,
      speech,
      emit: (e) => events.push(e),
      emitAudio: () => {},
    });
    expect(lane.contextChars).toBe(1_000);
    for (let i = 1; i <= 40; i++) await lane.send(`Question number ${i}, asked at some length.`);

    for (const messages of requests) expect(chars(messages)).toBeLessThanOrEqual(1_000);
    const last = requests.at(-1)!;
    expect(last.at(-1)).toEqual({ role: 'user', content: 'Question number 40, asked at some length.' });
    expect(last.filter((m) => m.role === 'user').length).toBe(
      last.filter((m) => m.role === 'assistant').length + 1,
    );

    const timelines = events.flatMap((e) => (e.type === 'turn.metrics' ? [e.timeline] : []));
    expect(timelines).toHaveLength(40);
    expect(timelines[0]!.context).toMatchObject({ sentEntries: 1, droppedEntries: 0, budgetChars: 1_000 });
    const final = timelines.at(-1)!.context!;
    expect(final.sentEntries).toBe(last.length - 1);
    expect(final.droppedEntries).toBe(79 - final.sentEntries);

    // Each turn's entries reach the clients once, when it ends; `lane.state` carries no history.
    const appends = events.flatMap((e) => (e.type === 'history.append' ? [e] : []));
    expect(appends).toHaveLength(40);
    expect(appends.every((e) => e.entries.length === 2)).toBe(true);
    expect(events.some((e) => e.type === 'lane.state' && 'history' in e.lane)).toBe(false);
  });
});

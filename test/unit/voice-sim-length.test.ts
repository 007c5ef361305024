/**
 * The simulated backend answers at the length its system prompt asks for. Bug it pins: a simulated
 * voice lane, whose prompt asks for "one to three short, natural spoken sentences", answered seven
 * sentences (107 tokens), so every spoken figure (speech time, what an interruption cut) was wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { VOICE_SYSTEM_PROMPT } from '../../src/main/engine/lane';
import { startSimServer } from '../../src/main/engine/sim/server';
import { askedLength, fitLength } from '../../src/main/engine/sim/length';

const sentences = (text: string): number => text.split(/(?<=[.!?])\s+/).filter(Boolean).length;
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

describe('the length a system prompt asks for', () => {
  it('reads the usual phrasings', () => {
    expect(askedLength(VOICE_SYSTEM_PROMPT)).toEqual({ minSentences: 1, maxSentences: 3 });
    expect(askedLength('Reply in one sentence.')).toEqual({ minSentences: 1, maxSentences: 1 });
    expect(askedLength('Use at most 2 sentences.')).toEqual({ minSentences: 1, maxSentences: 2 });
    expect(askedLength('Keep it under 12 words.')).toEqual({
      minSentences: 1,
      maxSentences: 50,
      maxWords: 12,
    });
    expect(askedLength('You are a helpful assistant.')).toBeNull();
  });

  it('cuts a first sentence longer than the word limit and closes it', () => {
    const text = fitLength(
      ['One two three four five six seven, eight nine.'],
      { minSentences: 1, maxSentences: 1, maxWords: 5 },
      1,
    );
    expect(text).toBe('One two three four.');
  });
});

describe('the simulated backend over HTTP', () => {
  let sim: Awaited<ReturnType<typeof startSimServer>>;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startSimServer({});
    client = new OpenAI({ baseURL: sim.url, apiKey: 'none' });
  });
  afterAll(() => sim.close());

  const ask = async (system: string | null, question: string): Promise<string> => {
    const reply = await client.chat.completions.create({
      model: 'dialtone-sim',
      messages: [
        ...(system ? [{ role: 'system' as const, content: system }] : []),
        { role: 'user', content: question },
      ],
    });
    return reply.choices[0]!.message.content ?? '';
  };

  it('a voice prompt gets one to three sentences, over many questions', async () => {
    const questions = [
      'What is the capital of France?',
      'How do I bake sourdough bread?',
      'Why is the sky blue?',
      'Can you tell me the way to the nearest train station?',
      'Tell me about the history of Rome.',
      'hello',
    ];
    for (const q of questions) {
      const text = await ask(VOICE_SYSTEM_PROMPT, q);
      expect(sentences(text), text).toBeGreaterThanOrEqual(1);
      expect(sentences(text), text).toBeLessThanOrEqual(3);
    }
  });

  it('"one sentence" gets one, "under 15 words" stays under, no prompt keeps the long answer', async () => {
    expect(sentences(await ask('Answer in one sentence.', 'How do I bake sourdough bread?'))).toBe(1);
    expect(
      words(await ask('Answer in under 15 words.', 'How do I bake sourdough bread?')),
    ).toBeLessThanOrEqual(15);
    // Without a length the backend still answers at chat length (several sentences).
    expect(sentences(await ask(null, 'How do I bake sourdough bread?'))).toBeGreaterThan(3);
  });
});

import { describe, expect, it } from 'vitest';
import { Chunker } from '../../src/main/engine/speech/chunker';
import { speakable } from '../../src/main/engine/speech/speakable';

/** Feeds `text` in `size`-character tokens, then flushes. */
function chunk(text: string, size = 3, options = {}): string[] {
  const c = new Chunker(options);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...c.push(text.slice(i, i + size)));
  out.push(...c.flush());
  return out;
}

describe('chunker: boundaries', () => {
  it.each([
    [
      'an eager first clause, then whole sentences',
      'Sure thing, here is what we will do, step by step. First we go. Then we stop.',
      ['Sure thing, here is what we will do,', 'step by step.', 'First we go.', 'Then we stop.'],
    ],
    ['a one-word first sentence goes at once', 'Yes. That works fine.', ['Yes.', 'That works fine.']],
    [
      'a short clause does not cut the first chunk',
      'Well, it depends on the day.',
      ['Well, it depends on the day.'],
    ],
    [
      'abbreviations and initials do not end sentences',
      'Dr. Smith met Mr. J. R. Jones, e.g. at noon, vs. the rest. Next one.',
      ['Dr. Smith met Mr. J. R. Jones,', 'e.g. at noon, vs. the rest.', 'Next one.'],
    ],
    [
      'a dotted abbreviation ends a sentence only before a capital',
      'Troops of the U.S. army left the U.S. Then they came back.',
      ['Troops of the U.S. army left the U.S.', 'Then they came back.'],
    ],
    [
      'decimals and versions stay whole',
      'Pi is 3.14 and v2.1.0 is out. Ok?',
      ['Pi is 3.14 and v2.1.0 is out.', 'Ok?'],
    ],
    [
      'numbered lists: one item per chunk, the number kept',
      'Steps:\n1. Preheat the oven.\n2. Bake it\n3) Eat',
      ['Steps:', '1. Preheat the oven.', '2. Bake it', '3. Eat'],
    ],
    [
      'bullets and headings',
      '## Shopping\n- eggs\n* milk\n+ **fresh** bread',
      ['Shopping', 'eggs', 'milk', 'fresh bread'],
    ],
    [
      'question marks, exclamations and ellipses',
      'Really? Yes! Well... fine',
      ['Really?', 'Yes!', 'Well...', 'fine'],
    ],
    [
      'a dash is a clause end',
      'We waited for hours — nothing came. Done.',
      ['We waited for hours,', 'nothing came.', 'Done.'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(chunk(text)).toEqual(expected);
    expect(chunk(text, 1)).toEqual(expected);
    expect(chunk(text, 1000)).toEqual(expected);
  });
});

describe('chunker: what is said', () => {
  it.each([
    ['URLs as their host', 'See https://www.example.com/docs?x=1 for more.', 'See example.com for more.'],
    ['bare www URLs', 'Go to www.python.org/downloads, then install.', 'Go to python.org, then install.'],
    ['emails', 'Write to ada.l@example.org today.', 'Write to ada.l at example.org today.'],
    [
      'markdown emphasis, inline code, links',
      'Use **bold**, _this_ and `npm test` via [the docs](https://x.io/a).',
      'Use bold, this and npm test via the docs.',
    ],
    [
      'fenced code is skipped whole',
      'Run this:\n```python\nfor i in range(3):\n    print(i) # prints\n```\nThat is all.',
      'Run this: That is all.',
    ],
    ['emoji are dropped', 'Great job 🎉🎉! You did it 👍🏽.', 'Great job! You did it.'],
    ['symbol-only words are dropped, & says and', 'A -> B | C & D === E', 'A B C and D E'],
    ['tables', '| name | age |\n|---|---|\n| Ann | 3 |', 'name age Ann 3'],
    [
      'think blocks in the answer are never spoken',
      '<think>let me plan this</think> Hello there.',
      'Hello there.',
    ],
    ['CJK passes through', '東京は晴れです。明日も！', '東京は晴れです。 明日も！'],
  ])('%s', (_name, text, expected) => {
    expect(speakable(text)).toBe(expected);
    expect(chunk(text).join(' ')).toBe(expected);
  });

  it('a code block split over many tokens is still skipped', () => {
    const text = 'Here:\n```js\nconst a = 1;\n```\nDone.';
    expect(chunk(text, 1)).toEqual(['Here:', 'Done.']);
  });
});

describe('chunker: bounds and bad input', () => {
  it('splits a long sentence at its last clause end before the bound', () => {
    const text =
      'The first part of this sentence is long, and the second part goes on for a while, and then a third part follows it all the way to the end.';
    const chunks = chunk(text, 4, { maxChars: 60, firstMinWords: 100 });
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(60);
    expect(chunks[0]).toBe('The first part of this sentence is long,');
    expect(chunks.join(' ')).toBe(text);
  });

  it('splits at a word when there is no clause end', () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    const chunks = chunk(text, 2, { maxChars: 20 });
    expect(chunks).toEqual(['one two three four', 'five six seven eight', 'nine ten eleven', 'twelve']);
  });

  it('cuts a word longer than the bound (10,000 characters of CJK) into bound-sized pieces', () => {
    const text = '漢'.repeat(10_000);
    const chunks = chunk(text, 7, { maxChars: 200 });
    expect(chunks.every((c) => c.length <= 200)).toBe(true);
    expect(chunks.join('')).toBe(text);
  });

  it('empty, whitespace, emoji-only and code-only replies say nothing', () => {
    expect(chunk('')).toEqual([]);
    expect(chunk('   \n\t  ')).toEqual([]);
    expect(chunk('🎉🔥👍🏽')).toEqual([]);
    expect(chunk('```\nx = 1\n```')).toEqual([]);
  });

  it('flush ends the reply and the chunker starts fresh; reset forgets a half reply', () => {
    const c = new Chunker();
    c.push('```\nhalf a code block');
    expect(c.flush()).toEqual([]);
    expect([...c.push('Fresh start. '), ...c.flush()]).toEqual(['Fresh start.']);
    c.push('An interrupted thought that');
    c.reset();
    expect([...c.push('New turn.'), ...c.flush()]).toEqual(['New turn.']);
  });

  it('emits the first clause as soon as its trailing space arrives', () => {
    const c = new Chunker();
    expect(c.push('Sure, I can help')).toEqual([]);
    expect(c.push(' with that,')).toEqual([]);
    expect(c.push(' ')).toEqual(['Sure, I can help with that,']);
    // A sentence end waits for one character of the next word (is it "e.g. this" or "end. This"?).
    expect(c.push('It is done.')).toEqual([]);
    expect(c.push(' ')).toEqual([]);
    expect(c.push('N')).toEqual(['It is done.']);
  });
});

describe('chunker: regressions', () => {
  it('re-checks the bound after a clause cut leaves too much for the next word', () => {
    // A cut at "the." left "the" pending, which with "—thethe" was still over 8 characters.
    const chunks = chunk('the. the —thethe', 3, { maxChars: 8 });
    expect(chunks).toEqual(['the.', 'the', 'thethe']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chunker } from '../../src/main/engine/speech/chunker';
import { speakable } from '../../src/main/engine/speech/speakable';

/** Words without punctuation: what must reach the listener, in order, once. */
const words = (text: string): string[] =>
  text
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[.,;:!?…。！？，、；：]+$/gu, ''))
    .filter((w) => w !== '');

const letters = (text: string): string => text.replace(/[^\p{L}\p{N}]/gu, '');

/** Cuts `text` at the given fractions into tokens, feeds them, flushes. */
function run(
  text: string,
  cuts: number[],
  options: { maxChars?: number; firstMinWords?: number } = {},
): string[] {
  const at = [...new Set(cuts.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
  const c = new Chunker(options);
  const out: string[] = [];
  let prev = 0;
  for (const i of [...at, text.length]) {
    out.push(...c.push(text.slice(prev, i)));
    prev = i;
  }
  out.push(...c.flush());
  return out;
}

/** Realistic reply pieces, markdown and all. */
const piece = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom('the', 'model', 'answers', 'fast', 'Then', 'We', 'tokens', 'speed', 'Okay'),
  },
  { weight: 4, arbitrary: fc.constantFrom('.', ',', '!', '?', ';', ':', '...', ' —', ' -') },
  { weight: 6, arbitrary: fc.constantFrom(' ', ' ', ' ', '\n', '\n\n') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'Dr.',
      'e.g.',
      'U.S.',
      '3.14',
      '1.',
      '**bold**',
      '`code`',
      '# ',
      '- ',
      '🎉',
      '👍🏽',
      'https://example.com/a?b=1',
      'ann@example.org',
      '[link](https://x.io)',
      '東京。',
      '\n```js\nlet x = 1;\n```\n',
      '<think>plan</think>',
      '| a | b |',
    ),
  },
);
const reply = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(''));
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 });

describe('chunker properties', () => {
  it('loses, duplicates and reorders no speakable word, however the text is tokenized', () => {
    fc.assert(
      fc.property(reply, cuts, fc.integer({ min: 8, max: 300 }), (text, at, maxChars) => {
        const said = speakable(text);
        // Word for word when no word is longer than the bound…
        expect(words(run(text, at, { maxChars: 10_000 }).join(' '))).toEqual(words(said));
        // …and letter for letter when some must be cut into pieces.
        expect(letters(run(text, at, { maxChars }).join(' '))).toBe(letters(said));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same chunks whatever the token boundaries', () => {
    fc.assert(
      fc.property(reply, cuts, cuts, (text, a, b) => {
        expect(run(text, a)).toEqual(run(text, b));
      }),
      { numRuns: 300 },
    );
  });

  it('never emits a chunk over the bound, nor an empty one', () => {
    fc.assert(
      fc.property(reply, cuts, fc.integer({ min: 8, max: 120 }), (text, at, maxChars) => {
        for (const chunk of run(text, at, { maxChars })) {
          expect(chunk.length).toBeLessThanOrEqual(maxChars);
          expect(chunk.trim()).not.toBe('');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('ends the first chunk at the earliest cut the rules allow', () => {
    // Plain prose, so the oracle can apply the rules by hand: a sentence end (! ?, or . before a
    // capital or the end) always cuts; a clause end (, ;) cuts once there are firstMinWords words.
    const word = fc.tuple(
      fc.constantFrom('alpha', 'beta', 'gamma', 'Delta', 'Echo', 'fox'),
      fc.constantFrom('', '', '', ',', ';', '.', '!', '?'),
    );
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 6 }),
        cuts,
        (ws, firstMinWords, at) => {
          const texts = ws.map(([w, p]) => w + p);
          let end = texts.length - 1;
          for (let i = 0; i < texts.length; i++) {
            const p = ws[i]![1];
            const next = texts[i + 1];
            const sentence =
              p === '!' || p === '?' || (p === '.' && (next === undefined || /^[A-Z]/.test(next)));
            const clause = (p === ',' || p === ';') && i + 1 >= firstMinWords;
            if (sentence || clause) {
              end = i;
              break;
            }
          }
          const chunks = run(texts.join(' '), at, { maxChars: 10_000, firstMinWords });
          expect(chunks[0]).toBe(texts.slice(0, end + 1).join(' '));
        },
      ),
      { numRuns: 400 },
    );
  });
});

/**
 * A small stand-in for a BPE tokenizer: the simulated backend streams and counts "tokens" that look
 * and size like real ones, so token rates and usage figures mean what they mean on a real backend.
 *
 * Pieces carry their leading whitespace (" world"), punctuation is its own piece, contractions split
 * off ("'s"), and long words break into a stem and a common suffix or into short chunks — roughly
 * what cl100k-style tokenizers do for English. Joining the pieces gives the input back exactly.
 */

/**
 * Spaces + word, spaces + up to three digits, spaces + one other char, or a bare whitespace run (newlines
 * stay pieces of their own; the last space of a run goes with the word after it, as in GPT tokenizers).
 */
const PIECE =
  /[^\S\n]*(?:'(?:s|t|re|ve|m|ll|d)\b|[A-Za-z\u00C0-\u024F]+|\d{1,3}|[^\sA-Za-z\u00C0-\u024F\d])|[^\S\n]*\n+|\s+(?!\S)|\s+/gu;

const SUFFIXES = [
  'ations',
  'ation',
  'ments',
  'ment',
  'ness',
  'ings',
  'ing',
  'ally',
  'able',
  'ers',
  'ed',
  'ly',
];

/** Longest piece a word is left as before it is broken up, in characters (letters only). */
const WHOLE_WORD_MAX = 8;
/** Longest stem (word minus suffix) kept whole, in characters. */
const WHOLE_STEM_MAX = 10;
/** Size of the chunks a longer stem is broken into, in characters. */
const STEM_CHUNK = 6;

/** Splits text into token pieces; `pieces.join('') === text`. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const word = /^(\s*)([A-Za-z\u00C0-\u024F]+)$/u.exec(piece);
    if (!word || word[2]!.length <= WHOLE_WORD_MAX) {
      out.push(piece);
      continue;
    }
    splitLongWord(word[1]!, word[2]!, out);
  }
  return out;
}

function splitLongWord(space: string, letters: string, out: string[]): void {
  let stem = letters;
  let suffix = '';
  for (const s of SUFFIXES) {
    if (stem.length - s.length >= 4 && stem.toLowerCase().endsWith(s)) {
      suffix = stem.slice(stem.length - s.length);
      stem = stem.slice(0, stem.length - s.length);
      break;
    }
  }
  // A stem that still reads as one word stays whole, as common words do in a BPE vocabulary.
  const chunk = stem.length <= WHOLE_STEM_MAX ? stem.length : STEM_CHUNK;
  for (let i = 0; i < stem.length; i += chunk) {
    out.push((i === 0 ? space : '') + stem.slice(i, i + chunk));
  }
  if (suffix) out.push(suffix);
}

/** Token count of a text, the same count `tokenize` would stream. */
export function countTokens(text: string): number {
  return tokenize(text).length;
}

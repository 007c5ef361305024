/**
 * Word error rate of a transcript against what was said: (substitutions + deletions + insertions) /
 * words said, by edit distance over words, ignoring case and punctuation.
 */
export interface WordErrors {
  errors: number;
  /** Words said. */
  words: number;
  rate: number;
}

export const words = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);

export function wordErrorRate(said: string, heard: string): WordErrors {
  const ref = words(said);
  const hyp = words(heard);
  let row = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const next = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const same = ref[i - 1] === hyp[j - 1] ? 0 : 1;
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + same));
    }
    row = next;
  }
  const errors = row[hyp.length]!;
  return {
    errors,
    words: ref.length,
    rate: ref.length === 0 ? (hyp.length > 0 ? 1 : 0) : errors / ref.length,
  };
}

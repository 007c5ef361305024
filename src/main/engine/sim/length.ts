/**
 * The reply length a system prompt asks for, as the simulated backend honours it: "one to three
 * short sentences", "one sentence", "at most 2 sentences", "under 40 words". A real model follows
 * such a prompt more or less; a simulated voice lane that answered seven sentences to it made every
 * voice figure (speech time, what an interruption cuts) wrong.
 */

export interface AskedLength {
  /** Sentences the reply may have, inclusive. */
  minSentences: number;
  maxSentences: number;
  /** Words the reply must stay under (at most this many); undefined: no word limit. */
  maxWords?: number;
}

const NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

const count = (word: string): number | null => {
  const w = word.toLowerCase();
  if (/^\d+$/.test(w)) return Number(w);
  return NUMBERS[w] ?? null;
};

const N = String.raw`(\d+|an?|one|single|two|three|four|five|six|seven|eight|nine|ten)`;
/** Adjectives that may stand between the count and "sentences". */
const ADJ = String.raw`(?:(?:short|brief|concise|natural|spoken|simple|full|complete|,|\s)+)?`;

/** What `systemPrompt` asks of the reply's length; null when it asks nothing the simulator reads. */
export function askedLength(systemPrompt: string): AskedLength | null {
  const text = systemPrompt.replace(/\s+/g, ' ');
  let sentences: { min: number; max: number } | null = null;
  const range = new RegExp(String.raw`\b${N}\s*(?:to|-|–|or)\s*${N}\s+${ADJ}sentences?\b`, 'i').exec(text);
  const atMost = new RegExp(
    String.raw`\b(?:at most|up to|no more than|not more than|maximum of|max(?:imum)?)\s+${N}\s+${ADJ}sentences?\b`,
    'i',
  ).exec(text);
  const exact = new RegExp(
    String.raw`\b(?:in|with|use|using|answer in|reply in|of)?\s*${N}\s+${ADJ}sentences?\b`,
    'i',
  ).exec(text);
  if (range) {
    const [a, b] = [count(range[1]!), count(range[2]!)];
    if (a !== null && b !== null) sentences = { min: Math.min(a, b), max: Math.max(a, b) };
  } else if (atMost) {
    const n = count(atMost[1]!);
    if (n !== null) sentences = { min: 1, max: n };
  } else if (exact) {
    const n = count(exact[1]!);
    if (n !== null) sentences = { min: n, max: n };
  }
  const words = new RegExp(
    String.raw`\b(?:under|fewer than|less than|at most|up to|no more than|not more than|maximum of|within)\s+(\d+)\s+words\b`,
    'i',
  ).exec(text);
  const maxWords = words ? Number(words[1]) : undefined;
  if (sentences === null && maxWords === undefined) return null;
  if (sentences !== null && (sentences.max < 1 || sentences.max > 50)) sentences = null;
  return {
    minSentences: sentences?.min ?? 1,
    maxSentences: sentences?.max ?? 50,
    ...(maxWords !== undefined && maxWords > 0 ? { maxWords } : {}),
  };
}

/**
 * Fits generated sentences to the asked length: `pick` sentences of those given (the caller draws
 * how many within the range), then whole sentences under the word limit; a first sentence longer than
 * the limit is cut and closed with a full stop.
 */
/** How many sentences a reply of `pick` sentences keeps within what was asked (at least one). */
export function sentencesAllowed(asked: AskedLength, pick: number): number {
  return Math.max(1, asked.minSentences, Math.min(asked.maxSentences, pick));
}

export function fitLength(sentences: string[], asked: AskedLength, pick: number): string {
  const n = sentencesAllowed(asked, pick);
  const chosen = sentences.slice(0, n);
  if (asked.maxWords === undefined) return chosen.join(' ');
  const limit = asked.maxWords;
  const kept: string[] = [];
  let words = 0;
  for (const s of chosen) {
    const w = s.split(/\s+/).filter(Boolean).length;
    if (words + w > limit) break;
    kept.push(s);
    words += w;
  }
  if (kept.length > 0) return kept.join(' ');
  const cut = chosen[0]!
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, Math.max(1, limit - 1))
    .join(' ');
  return `${cut.replace(/[,;:.!?]+$/, '')}.`;
}

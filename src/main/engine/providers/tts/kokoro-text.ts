/**
 * Kokoro's front end: text → the phoneme string the model was trained on.
 *
 * Kokoro reads IPA as espeak-ng writes it (kokoro-js and misaki's espeak fallback do the same), with a
 * few fixes for symbols outside its vocabulary, and punctuation kept as is — the model uses it for
 * pauses and intonation, and espeak would drop it. So: normalize what espeak reads badly (money,
 * years, clock times, titles), cut the text into runs of words and runs of punctuation, phonemize
 * every run of words, and put the punctuation back between them.
 *
 * Pure apart from the injected `phonemize`, which takes every run of words at once and returns their
 * phonemes in order (one espeak run for the whole chunk, not one per clause).
 */

/** espeak voices for Kokoro's two English accents: voice ids start with `a` (US) or `b` (UK). */
export type KokoroAccent = 'en-us' | 'en';

export const accentOf = (voiceId: string): KokoroAccent => (voiceId.startsWith('b') ? 'en' : 'en-us');

/** Every run of words → its phonemes, in order, one result per run. */
export type Phonemize = (runs: string[], accent: KokoroAccent) => Promise<string[]>;

const PUNCTUATION = ';:,.!?¡¿—…"«»“”(){}[]';
const PUNCTUATION_RUN = new RegExp(`(?:\\s*[${escapeClass(PUNCTUATION)}]+\\s*)+`, 'g');

/** Text → Kokoro phonemes (may be empty: text with nothing to say). */
export async function textToPhonemes(
  text: string,
  accent: KokoroAccent,
  phonemize: Phonemize,
): Promise<string> {
  const parts = splitPunctuation(normalizeText(text));
  const words = parts.filter((p) => !p.punctuation).map((p) => p.text);
  const phonemes = words.length > 0 ? await phonemize(words, accent) : [];
  if (phonemes.length !== words.length) {
    throw new Error(`the phonemizer returned ${phonemes.length} runs for ${words.length}`);
  }
  let next = 0;
  const joined = parts.map((p) => (p.punctuation ? p.text : phonemes[next++]!)).join('');
  return fixPhonemes(joined, accent).trim();
}

/** Rewrites what espeak would read wrongly or not at all. */
export function normalizeText(text: string): string {
  return (
    text
      .replace(/[‘’]/g, "'")
      .replace(/[“”«»]/g, '"')
      .replace(/\s+/g, ' ')
      .replace(/\bDr\.(?= [A-Z])/g, 'Doctor')
      .replace(/\bMr\./g, 'Mister')
      .replace(/\bMrs\./g, 'Missus')
      .replace(/\bMs\./g, 'Miss')
      .replace(/\betc\./gi, 'etc')
      // Money before the digit rules below take its parts apart.
      .replace(/([$£€])(\d[\d,]*)(?:\.(\d{1,2}))?\b/g, money)
      .replace(/(?<=\d),(?=\d{3}\b)/g, '')
      .replace(/\b(?:[01]?\d|2[0-3]):[0-5]\d\b/g, clockTime)
      .replace(/\b(1[1-9]|20)(\d\d)(s?)\b/g, year)
      .replace(
        /(\d)\.(\d+)/g,
        (_m, whole: string, frac: string) => `${whole} point ${frac.split('').join(' ')}`,
      )
      .replace(/(?<=\d)\s?-\s?(?=\d)/g, ' to ')
      .trim()
  );
}

/** `$5` → `5 dollars`, `$1.50` → `1 dollar and 50 cents`, `£2` → `2 pounds`. */
function money(_m: string, sign: string, whole: string, cents: string | undefined): string {
  const n = whole.replace(/,/g, '');
  const unit = sign === '$' ? 'dollar' : sign === '£' ? 'pound' : 'euro';
  const small = sign === '£' ? ['penny', 'pence'] : ['cent', 'cents'];
  const main = `${n} ${unit}${n === '1' ? '' : 's'}`;
  if (cents === undefined) return main;
  const c = Number(cents.padEnd(2, '0'));
  return c === 0 ? main : `${main} and ${c} ${c === 1 ? small[0] : small[1]}`;
}

/** `10:30` → `10 30`, `3:05` → `3 oh 5`, `4:00` → `4 o'clock`. */
function clockTime(m: string): string {
  const [h, min] = m.split(':').map(Number) as [number, number];
  if (min === 0) return `${h} o'clock`;
  return min < 10 ? `${h} oh ${min}` : `${h} ${min}`;
}

/** Years as people say them: `1999` → `19 99`, `1905` → `19 oh 5`, `1900s` → `19 hundreds`; not `2000`–`2009`. */
function year(m: string, century: string, rest: string, plural: string): string {
  const r = Number(rest);
  if (century === '20' && r < 10) return m;
  if (r === 0) return `${century} hundred${plural}`;
  return r < 10 ? `${century} oh ${r}${plural}` : `${century} ${r}${plural}`;
}

interface Part {
  text: string;
  punctuation: boolean;
}

/** The text as alternating runs of words and of punctuation (with the spaces around it). */
export function splitPunctuation(text: string): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (const m of text.matchAll(PUNCTUATION_RUN)) {
    if (m.index > at) parts.push({ text: text.slice(at, m.index), punctuation: false });
    parts.push({ text: m[0], punctuation: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), punctuation: false });
  return parts.filter((p) => p.punctuation || p.text.trim() !== '');
}

/** espeak's IPA → Kokoro's symbol set (the same fixes kokoro-js and misaki apply). */
export function fixPhonemes(phonemes: string, accent: KokoroAccent): string {
  let out = phonemes
    // The model's own name, as its authors say it.
    .replace(/kəkˈoːɹoʊ/g, 'kˈoʊkəɹoʊ')
    .replace(/kəkˈɔːɹəʊ/g, 'kˈəʊkəɹəʊ')
    .replace(/ʲ/g, 'j')
    .replace(/r/g, 'ɹ')
    .replace(/x/g, 'k')
    .replace(/ɬ/g, 'l')
    .replace(/(?<=[a-zɹː])(?=hˈʌndɹɪd)/g, ' ')
    // espeak reads a possessive/plural "s" after a number or letter as a word of its own.
    .replace(new RegExp(` z(?=[${escapeClass(PUNCTUATION)} ]|$)`, 'g'), 'z');
  if (accent === 'en-us') out = out.replace(/(?<=nˈaɪn)ti(?!ː)/g, 'di');
  return out;
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&');
}

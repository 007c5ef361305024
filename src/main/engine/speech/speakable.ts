/**
 * What of an LLM's answer text a voice should say, one word at a time. Pure and stateful only across
 * lines (code fences, `<think>` blocks), so the chunker can run it on a token stream and
 * `speakable(text)` can run it on a whole reply with the same result.
 *
 * - Markdown: emphasis (`**`, `__`, `*`, `_`, `~~`), headings (`#`), bullets (`-`, `*`, `+`), quotes
 *   (`>`), tables (`|`), rules (`---`) and inline code backticks are silent; a link says its text.
 * - Fenced code blocks (```), and `<think>…</think>` blocks some models put in the answer, are skipped
 *   whole: a voice reading code symbol by symbol helps nobody.
 * - URLs are said as their host (`https://docs.python.org/3/x` → `docs.python.org`); emails as
 *   `name at example.com`.
 * - Emoji are dropped; words that are only symbols are dropped (`->`, `|`, `===`); `&` says "and".
 * - Decimals (3.14), versions, abbreviations and CJK pass through as text.
 */

/** How strongly the text may be cut after a word (for the chunker). */
export const Cut = {
  None: 0,
  /** `,` `;` `:` `—` `–` `)`: a clause ends. */
  Clause: 1,
  /**
   * A `.` whose meaning depends on the next word: a sentence end unless that starts in lowercase
   * ("U.S. troops", "approx. ten", "3 p.m. tomorrow" go on; "… in the U.S. Then" stops).
   */
  MaybeSentence: 2,
  /** `?` `!` `…` `。`: a sentence ends. */
  Sentence: 3,
} as const;
export type Cut = (typeof Cut)[keyof typeof Cut];

export interface SpokenWord {
  text: string;
  /** May the text be cut after this word, and how strongly. */
  cut: Cut;
  /**
   * For a silent word (`text` empty) that still punctuates — a dash, `🎉!`, `...` — the punctuation
   * to add to the word before it, if that has none.
   */
  attach?: string;
}

const EMOJI =
  /\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}|[\u{E0020}-\u{E007F}]/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const URL_START = /^(?:https?:\/\/|www\.)/i;
const EMAIL = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/;
const MARKUP_EDGE_START = /^[*_`~>#|[("'“‘«]+/;
const MARKUP_EDGE_END = /[*_`~|\]"'”’»]+$/;
const TRAILING_PUNCT = /[.,;:!?…。！？，、；：)]+$/u;

/** Never the end of a sentence, whatever follows ("Dr. Smith", "e.g. this"). */
const NEVER_FINAL = new Set([
  'mr.',
  'mrs.',
  'ms.',
  'dr.',
  'prof.',
  'st.',
  'sr.',
  'jr.',
  'vs.',
  'e.g.',
  'i.e.',
  'cf.',
  'no.',
  'fig.',
  'approx.',
  'ca.',
  'vol.',
  'p.',
  'pp.',
  'mt.',
  'gen.',
  'gov.',
  'sen.',
  'rep.',
  'rev.',
  'lt.',
  'col.',
  'capt.',
]);

/** Line-level state carried across words: inside a code fence or a think block. */
export class SpeakableState {
  inCode = false;
  inThink = false;

  reset(): void {
    this.inCode = false;
    this.inThink = false;
  }
}

/**
 * One whitespace-free piece of raw answer text → what to say for it (null: nothing).
 * `lineStart` says the piece opened a line (for headings, bullets, list numbers and fences).
 */
export function speakWord(raw: string, lineStart: boolean, state: SpeakableState): SpokenWord | null {
  raw = withoutThink(raw, state);
  if (raw === '') return null;
  if (lineStart && (raw.startsWith('```') || raw.startsWith('~~~'))) {
    state.inCode = !state.inCode;
    return null;
  }
  if (state.inCode) return null;

  let word = raw.replace(EMOJI, '');
  if (lineStart) {
    if (/^#{1,6}$/.test(word) || /^[-*+>]$/.test(word)) return null;
    // "1." / "2)" opening a list item: a number, never a sentence end.
    const item = /^(\d{1,3})[.)]$/.exec(word);
    if (item) return { text: `${item[1]}.`, cut: Cut.None };
  }
  if (word === '&') return { text: 'and', cut: Cut.None };
  if (word === '—' || word === '–' || word === '-' || word === '--') {
    return { text: '', cut: Cut.Clause, attach: ',' };
  }

  // Punctuation after the word (possibly behind closing quotes/brackets/emphasis).
  word = word.replace(MARKUP_EDGE_START, '').replace(/^[.,;:!?—–-]+(?=\p{L})/u, '');
  let core = word.replace(MARKUP_EDGE_END, '');
  const punctMatch = TRAILING_PUNCT.exec(core);
  let punct = punctMatch ? punctMatch[0] : '';
  core = punct ? core.slice(0, -punct.length) : core;
  core = core.replace(MARKUP_EDGE_END, '');

  // A link [text](url): the text, not the address.
  const link = core.indexOf('](');
  if (link >= 0) {
    core = core.slice(0, link);
    punct = punct.replace(/^\)+/, '');
  } else if (/\]\(https?:/.test(raw)) {
    return null;
  }
  if (URL_START.test(core)) {
    core = urlHost(core);
  } else if (EMAIL.test(core)) {
    const at = core.indexOf('@');
    core = `${core.slice(0, at)} at ${core.slice(at + 1)}`;
  } else {
    // Emphasis and code markers inside a word (`**bold**,`, `` `x` ``): silent.
    core = core.replace(/\*\*|__|~~|`/g, '').replace(/^[*_]+|[*_]+$/g, '');
  }
  const closesParen = punct.includes(')');
  punct = punct.replace(/\)/g, '');

  if (!LETTER_OR_DIGIT.test(core)) {
    // Only symbols: silent, but its punctuation still marks a boundary ("— " or "...").
    const cut = cutFor(punct, '', closesParen);
    return cut === Cut.None ? null : { text: '', cut, attach: punct };
  }
  return { text: core + punct, cut: cutFor(punct, core, closesParen) };
}

/** `raw` minus any `<think>…</think>` parts, which may open in one word and close words later. */
function withoutThink(raw: string, state: SpeakableState): string {
  if (!state.inThink && !raw.includes('<think>')) return raw;
  let out = '';
  let rest = raw;
  while (rest !== '') {
    if (state.inThink) {
      const end = rest.indexOf('</think>');
      if (end < 0) return out;
      rest = rest.slice(end + '</think>'.length);
      state.inThink = false;
    } else {
      const start = rest.indexOf('<think>');
      if (start < 0) return out + rest;
      out += rest.slice(0, start);
      rest = rest.slice(start + '<think>'.length);
      state.inThink = true;
    }
  }
  return out;
}

function cutFor(punct: string, core: string, closesParen: boolean): Cut {
  if (punct === '') return closesParen ? Cut.Clause : Cut.None;
  if (/[!?…。！？]/u.test(punct) || punct.includes('..')) return Cut.Sentence;
  if (punct.endsWith('.')) {
    const lower = `${core.toLowerCase()}.`;
    if (NEVER_FINAL.has(lower)) return Cut.None;
    // An initial ("J. R. R. Tolkien") is part of a name.
    if (/^\p{Lu}$/u.test(core)) return Cut.None;
    return Cut.MaybeSentence;
  }
  return Cut.Clause; // , ; : 、 ，
}

/** `https://www.example.com/a/b?c` → `example.com`. */
function urlHost(url: string): string {
  const withScheme = /^https?:\/\//i.test(url) ? url : `http://${url}`;
  try {
    return new URL(withScheme).hostname.replace(/^www\./, '');
  } catch {
    return url
      .replace(/^https?:\/\//i, '')
      .split(/[/?#]/)[0]!
      .replace(/^www\./, '');
  }
}

/** Characters that end a word even without a space after them (CJK punctuation). */
export const WORD_ENDING_CHARS = new Set(['。', '！', '？', '，', '、', '；', '：']);

/**
 * Splits raw text into whitespace-free pieces, noting which open a line. Incremental: the last piece
 * stays open until whitespace (or flush) closes it.
 */
export class WordReader {
  private partial = '';
  private lineStart = true;
  /** Called with the first character of each new piece (the chunker's one-character lookahead). */
  onWordStart: ((ch: string) => void) | null = null;

  constructor(
    private readonly onWord: (raw: string, lineStart: boolean) => void,
    private readonly onLineBreak: () => void,
  ) {}

  push(text: string): void {
    for (const ch of text) {
      if (ch === '\n' || ch === '\r') {
        this.closeWord();
        this.lineStart = true;
        this.onLineBreak();
      } else if (ch === ' ' || ch === '\t' || ch === '\u00a0' || /\s/u.test(ch)) {
        this.closeWord();
      } else {
        if (this.partial === '') this.onWordStart?.(ch);
        this.partial += ch;
        if (WORD_ENDING_CHARS.has(ch)) this.closeWord();
      }
    }
  }

  flush(): void {
    this.closeWord();
  }

  reset(): void {
    this.partial = '';
    this.lineStart = true;
  }

  private closeWord(): void {
    if (this.partial === '') return;
    const raw = this.partial;
    this.partial = '';
    const lineStart = this.lineStart;
    this.lineStart = false;
    this.onWord(raw, lineStart);
  }
}

/** `word` with `punct` after it, unless it already ends in punctuation. */
export function withPunct(word: string, punct: string): string {
  return /[.,;:!?…。！？，、；：]$/u.test(word) ? word : word + punct;
}

/** The words a voice says for `text`, in order (no chunking). */
export function speakableWords(text: string): string[] {
  const state = new SpeakableState();
  const out: string[] = [];
  const reader = new WordReader(
    (raw, lineStart) => {
      const w = speakWord(raw, lineStart, state);
      if (w === null) return;
      if (w.text !== '') out.push(...w.text.split(' '));
      else if (w.attach && out.length > 0) out[out.length - 1] = withPunct(out.at(-1)!, w.attach);
    },
    () => undefined,
  );
  reader.push(text);
  reader.flush();
  return out;
}

/** The whole of `text` as a voice should say it: one line of plain words. */
export function speakable(text: string): string {
  return speakableWords(text).join(' ');
}

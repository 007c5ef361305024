/**
 * The speakable-chunk chunker: answer tokens in, pieces of text a TTS can say out, as early as they
 * are whole. Pure and clock-free: what comes out depends only on the text pushed, never on when.
 *
 * Feed it answer tokens only (`llm.token`). Reasoning deltas (`llm.reasoning`) are never spoken and
 * must not be pushed; `<think>…</think>` blocks inside the answer are skipped here as a safety net.
 *
 * Rules, in order (see speakable.ts for what is said for each word):
 * 1. A sentence end (`.` not after an abbreviation and not followed by a lowercase word, `?`, `!`,
 *    `…`) or a line break (headings, list items, paragraphs) cuts.
 * 2. The FIRST chunk also cuts at a clause end (`,` `;` `:` `—` `–` `)`) once it has
 *    `firstMinWords` words, so the first audio starts a clause into the reply, not a sentence.
 * 3. No chunk is longer than `maxChars`: a sentence that would grow past it is cut at its last
 *    clause end, else at the last word before the bound; a single word longer than the bound (a
 *    10,000-character CJK run) is cut into bound-sized pieces.
 * 4. `flush()` (end of reply) emits whatever is left.
 *
 * A `.` needs one character of lookahead (the first of the next word) to tell "e.g. this" from
 * "… end. This"; everything else is decided when the word's trailing space arrives.
 */
import { Cut, SpeakableState, speakWord, withPunct, WordReader } from './speakable';

export interface ChunkerOptions {
  /** Longest chunk, characters. Default 220 (about 15 seconds of speech at most, usually far less). */
  maxChars?: number;
  /** Words the first chunk needs before a clause end may cut it. Default 4. */
  firstMinWords?: number;
}

export const DEFAULT_MAX_CHARS = 220;
export const DEFAULT_FIRST_MIN_WORDS = 4;

interface Pending {
  text: string;
  cut: Cut;
}

export class Chunker {
  readonly maxChars: number;
  readonly firstMinWords: number;
  private readonly state = new SpeakableState();
  private readonly reader: WordReader;
  private pending: Pending[] = [];
  private pendingChars = 0;
  private pendingWords = 0;
  private out: string[] = [];
  private emittedAny = false;
  /** The last word ended in a `.` whose meaning waits for the next word's first character. */
  private awaitingLookahead = false;

  constructor(options: ChunkerOptions = {}) {
    this.maxChars = Math.max(8, Math.floor(options.maxChars ?? DEFAULT_MAX_CHARS));
    this.firstMinWords = Math.max(1, Math.floor(options.firstMinWords ?? DEFAULT_FIRST_MIN_WORDS));
    this.reader = new WordReader(
      (raw, lineStart) => this.onWord(raw, lineStart),
      () => this.onLineBreak(),
    );
    this.reader.onWordStart = (ch) => this.onWordStart(ch);
  }

  /** Adds a piece of answer text; returns the chunks it completed (often none), in order. */
  push(tokenText: string): string[] {
    this.reader.push(tokenText);
    return this.take();
  }

  /** End of the reply: returns the rest. The chunker is then ready for the next reply. */
  flush(): string[] {
    this.reader.flush();
    this.awaitingLookahead = false;
    this.emit(this.pending.length);
    const chunks = this.take();
    this.reset();
    return chunks;
  }

  /** Forgets everything (interrupt, new turn). */
  reset(): void {
    this.reader.reset();
    this.state.reset();
    this.pending = [];
    this.pendingChars = 0;
    this.pendingWords = 0;
    this.out = [];
    this.emittedAny = false;
    this.awaitingLookahead = false;
  }

  private take(): string[] {
    if (this.out.length === 0) return [];
    const chunks = this.out;
    this.out = [];
    return chunks;
  }

  private onWordStart(ch: string): void {
    if (!this.awaitingLookahead) return;
    this.awaitingLookahead = false;
    if (!/\p{Ll}/u.test(ch)) this.emit(this.pending.length);
  }

  private onLineBreak(): void {
    this.awaitingLookahead = false;
    this.emit(this.pending.length);
  }

  private onWord(raw: string, lineStart: boolean): void {
    const word = speakWord(raw, lineStart, this.state);
    if (word === null) return;
    if (word.text === '') {
      // A silent dash or ellipsis: its boundary belongs to the word before.
      const last = this.pending.at(-1);
      if (!last) return;
      // The punctuation is a courtesy to the voice: never worth going over the bound for.
      if (word.attach && this.pendingChars + word.attach.length <= this.maxChars) {
        const text = withPunct(last.text, word.attach);
        this.pendingChars += text.length - last.text.length;
        last.text = text;
      }
      if (word.cut > last.cut) last.cut = word.cut;
      this.decide();
      return;
    }
    for (const piece of this.pieces(word.text)) this.add({ text: piece, cut: Cut.None });
    this.pending.at(-1)!.cut = word.cut;
    this.decide();
  }

  /** A word longer than the bound (no spaces: CJK, a pasted hash) in bound-sized pieces. */
  private pieces(text: string): string[] {
    if (text.length <= this.maxChars) return [text];
    const chars = Array.from(text);
    const out: string[] = [];
    let piece = '';
    for (const ch of chars) {
      if (piece.length + ch.length > this.maxChars) {
        out.push(piece);
        piece = '';
      }
      piece += ch;
    }
    if (piece !== '') out.push(piece);
    return out;
  }

  private add(word: Pending): void {
    const words = word.text.split(' ').length;
    // Over the bound: cut at the last clause end in what is pending, else before this word; again
    // if what is left after a clause cut is still too long to take the word.
    while (this.pending.length > 0 && this.pendingChars + 1 + word.text.length > this.maxChars) {
      let at = this.pending.length;
      for (let i = this.pending.length - 2; i >= 0; i--) {
        if (this.pending[i]!.cut !== Cut.None) {
          at = i + 1;
          break;
        }
      }
      this.emit(at);
    }
    this.pending.push(word);
    this.pendingChars += this.pending.length === 1 ? word.text.length : word.text.length + 1;
    this.pendingWords += words;
  }

  /** Applies rules 1 and 2 to the word just added. */
  private decide(): void {
    const last = this.pending.at(-1);
    if (!last) return;
    if (last.cut === Cut.Sentence) this.emit(this.pending.length);
    else if (last.cut === Cut.MaybeSentence) this.awaitingLookahead = true;
    else if (last.cut === Cut.Clause && !this.emittedAny && this.pendingWords >= this.firstMinWords) {
      this.emit(this.pending.length);
    }
  }

  /** Emits the first `count` pending words as one chunk. */
  private emit(count: number): void {
    if (count <= 0) return;
    const words = this.pending.splice(0, count);
    const text = words.map((w) => w.text).join(' ');
    this.pendingChars = this.pending.reduce((n, w, i) => n + w.text.length + (i > 0 ? 1 : 0), 0);
    this.pendingWords = this.pending.reduce((n, w) => n + w.text.split(' ').length, 0);
    this.out.push(text);
    this.emittedAny = true;
  }
}

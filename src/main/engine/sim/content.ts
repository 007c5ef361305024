/**
 * What the simulated backend says: a plausible conversational answer to the last user message (its
 * topic words woven into templated sentences), optional hidden reasoning, or a scripted reply — as
 * token pieces, deterministic for (seed, messages).
 */
import { hashString, Rng } from './random';
import { BODY, CLOSINGS, FALLBACK_KEYWORDS, OPENINGS, REASONING, SMALL_TALK } from './templates';
import { fitLength, sentencesAllowed, type AskedLength } from './length';
import { tokenize } from './tokenize';

/** Words in the question, picked to fill the templates. */
export interface Topic {
  /** The main topic phrase, e.g. "sourdough bread" or "history of Rome". */
  phrase: string;
  /** Further content words, most useful first, never the phrase itself. */
  keywords: string[];
}

export interface ReplyPlanInput {
  /** Text of the last user message (the question the reply answers). */
  question: string;
  /** Every message's role and text, so the same conversation under the same seed replays exactly. */
  conversationKey: string;
  seed: number;
  /** Exact number of reasoning tokens to stream first. */
  reasoningTokens: number;
  /** Cap on answer tokens; the answer is cut here with finish reason "length". */
  maxAnswerTokens?: number;
  /** Scripted reply text, streamed instead of generated text. */
  reply?: string;
  /** Exact answer length, tokens: generated text continues (or is cut) to reach it. */
  answerTokens?: number;
  /** The length the system prompt asks for (see length.ts); generated text keeps to it. */
  length?: AskedLength | null;
}

export interface ReplyPlan {
  reasoning: string[];
  answer: string[];
  finishReason: 'stop' | 'length';
}

/** Typical answer length bounds, tokens. */
const ANSWER_MIN_TOKENS = 40;
const ANSWER_MAX_TOKENS = 150;

export function planReply(input: ReplyPlanInput): ReplyPlan {
  const rng = new Rng(hashString(input.conversationKey, input.seed));
  const topic = extractTopic(input.question);
  const reasoning = input.reasoningTokens > 0 ? makeReasoning(rng, topic, input.reasoningTokens) : [];
  const generated = input.length ? makeFittedAnswer(rng, topic, input.length) : makeAnswer(rng, topic);
  let answer = tokenize(input.reply ?? generated);
  if (input.answerTokens !== undefined && input.reply === undefined) {
    while (answer.length < input.answerTokens) answer.push(...tokenize(' ' + makeAnswer(rng, topic)));
    answer = answer.slice(0, input.answerTokens);
  }
  let finishReason: ReplyPlan['finishReason'] = 'stop';
  if (input.maxAnswerTokens !== undefined && answer.length > input.maxAnswerTokens) {
    answer = answer.slice(0, input.maxAnswerTokens);
    finishReason = 'length';
  }
  return { reasoning, answer, finishReason };
}

const STOPWORDS = new Set(
  (
    'a an the and or but if then so than that this these those there here what which who whom whose when ' +
    'where why how is am are was were be been being do does did doing have has had having will would can ' +
    'could should shall may might must i me my mine we us our you your yours he him his she her it its they ' +
    'them their to of in on at by for with about from into onto over under up down out off as not no yes ' +
    'just really very quite some any all each every much many more most few lot lots also too please tell ' +
    'explain know think want need like get got make give help let say talk thing things something anything ' +
    'everything good best better way ways kind sort bit hi hello hey thanks thank ok okay well right sure ' +
    'again ever even still maybe one two new use using today now everyone someone anyone everybody ' +
    'somebody anybody nobody care cares affect affects work works feel try start learn find does going ' +
    'goes seem seems mean means happen happens matter matters'
  ).split(' '),
);

const WORD = /[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'-]*/gu;

/** Picks the topic of a question; null when it has no content words (small talk). */
export function extractTopic(question: string): Topic | null {
  const words: { text: string; content: boolean; joined: boolean }[] = [];
  let prevEnd = -1;
  for (const m of question.matchAll(WORD)) {
    const raw = m[0].replace(/'s$/i, '').replace(/['-]+$/, '');
    const before = question.slice(Math.max(0, prevEnd), m.index);
    const sentenceStart = prevEnd < 0 || /[.!?:]/.test(before);
    const isAcronym = raw.length > 1 && raw === raw.toUpperCase();
    const text = sentenceStart && !isAcronym ? raw.toLowerCase() : raw;
    // Words in one run must be adjacent: punctuation between them ends the phrase.
    const content = !STOPWORDS.has(raw.toLowerCase()) && (raw.length >= 3 || isAcronym);
    words.push({ text, content, joined: prevEnd >= 0 && /^\s+$/.test(before) });
    prevEnd = m.index + m[0].length;
  }

  // Runs of adjacent content words, allowing one "of" inside ("history of Rome").
  const runs: string[][] = [];
  let run: string[] = [];
  const flush = (): void => {
    while (run.length && run[run.length - 1] === 'of') run.pop();
    if (run.length) runs.push(run);
    run = [];
  };
  for (const w of words) {
    if (!w.joined) flush();
    if (w.content) run.push(w.text);
    else if (w.text.toLowerCase() === 'of' && run.length && !run.includes('of')) run.push('of');
    else flush();
  }
  flush();
  if (runs.length === 0) return null;

  // Noun phrases in English end in their head noun, so a long run keeps its tail ("bake sourdough
  // bread" → "sourdough bread"); the words cut off still serve as keywords.
  const best = runs.reduce((a, b) => (b.join(' ').length > a.join(' ').length ? b : a));
  const tail = best.includes('of') ? best.slice(Math.max(0, best.indexOf('of') - 1)) : best.slice(-2);
  const phrase = tail.join(' ');
  const inPhrase = new Set(tail.map((w) => w.toLowerCase()));
  const keywords: string[] = [];
  for (const w of runs.flat()) {
    const key = w.toLowerCase();
    if (w === 'of' || inPhrase.has(key) || keywords.some((k) => k.toLowerCase() === key)) continue;
    keywords.push(w);
  }
  keywords.sort((a, b) => b.length - a.length);
  return { phrase, keywords };
}

function fill(template: string, topic: Topic, extra: readonly string[]): string {
  const k = [...topic.keywords, ...extra];
  return template
    .replaceAll('{T^}', topic.phrase.charAt(0).toUpperCase() + topic.phrase.slice(1))
    .replaceAll('{T}', topic.phrase)
    .replaceAll('{K2}', k[1]!)
    .replaceAll('{K}', k[0]!);
}

function makeAnswer(rng: Rng, topic: Topic | null): string {
  if (!topic) {
    const rest = rng.shuffled(SMALL_TALK.slice(1)).slice(0, rng.int(2, 4));
    return [SMALL_TALK[0], ...rest].join(' ');
  }
  const extra = rng.shuffled(FALLBACK_KEYWORDS);
  const target = rng.int(ANSWER_MIN_TOKENS, ANSWER_MAX_TOKENS);
  const closing = fill(rng.pick(CLOSINGS), topic, extra);
  const closingTokens = tokenize(closing).length;
  const sentences = [fill(rng.pick(OPENINGS), topic, extra)];
  let tokens = tokenize(sentences[0]!).length;
  for (const template of rng.shuffled(BODY)) {
    if (tokens + closingTokens >= target) break;
    const sentence = fill(template, topic, extra);
    sentences.push(sentence);
    tokens += tokenize(sentence).length + 1;
  }
  // Longer answers read better with the sign-off in its own paragraph, as chat models write them.
  return `${sentences.join(' ')}${tokens > 90 ? '\n\n' : ' '}${closing}`;
}

/** An answer of the asked length: sentences drawn as `makeAnswer` draws them, as many as asked. */
function makeFittedAnswer(rng: Rng, topic: Topic | null, asked: AskedLength): string {
  const pick = rng.int(asked.minSentences, Math.min(asked.maxSentences, asked.minSentences + 10));
  if (!topic)
    return fitLength(
      [SMALL_TALK[0]!, ...rng.shuffled(SMALL_TALK.slice(1))].flatMap(splitSentences),
      asked,
      pick,
    );
  const extra = rng.shuffled(FALLBACK_KEYWORDS);
  // A template may hold two sentences ("Ah, X. There's more to it…"): the count is of sentences.
  const head = [
    fill(rng.pick(OPENINGS), topic, extra),
    ...rng.shuffled(BODY).map((t) => fill(t, topic, extra)),
  ].flatMap(splitSentences);
  const closing = splitSentences(fill(rng.pick(CLOSINGS), topic, extra));
  // A reply of more than its closing still ends with it, as a full reply does.
  const n = sentencesAllowed(asked, pick);
  const sentences = n > closing.length ? [...head.slice(0, n - closing.length), ...closing] : head;
  return fitLength(sentences, asked, pick);
}

const splitSentences = (text: string): string[] => text.split(/(?<=[.!?])\s+/).filter(Boolean);

function makeReasoning(rng: Rng, topic: Topic | null, count: number): string[] {
  const t = topic ?? { phrase: 'this message', keywords: ['what they need'] };
  const extra = rng.shuffled(FALLBACK_KEYWORDS);
  const tokens: string[] = [];
  let sentences = 0;
  while (tokens.length < count) {
    for (const template of rng.shuffled(REASONING)) {
      const sep = sentences === 0 ? '' : sentences % 5 === 0 ? '\n\n' : ' ';
      tokens.push(...tokenize(sep + fill(template, t, extra)));
      sentences++;
      if (tokens.length >= count) break;
    }
  }
  return tokens.slice(0, count);
}

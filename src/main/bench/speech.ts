/**
 * Speech-out figures for `dialtone bench`: espeak-ng's time to first audio for a 10-word sentence
 * (warm engine; target ≤ 30 ms), its real-time factor, and what the chunker costs per token on a long
 * realistic reply (markdown, lists, a code block, URLs, emoji) tokenized like the simulated backend.
 * Measures only; never prints.
 */
import { systemClock } from '../engine/clock';
import { createTts } from '../engine/providers/tts';
import { EspeakTts } from '../engine/providers/tts/espeak';
import { tokenize } from '../engine/sim/tokenize';
import { Chunker } from '../engine/speech/chunker';
import { summarize } from './stats';
import type { Summary } from './stats';

export interface SpeechBenchResult {
  espeak: {
    sentence: string;
    /** Loading the WebAssembly engine, ms (null when it was already loaded in this process). */
    engineLoadMs: number | null;
    /** Request → first audio frame, ms, warm engine. */
    firstAudioMs: Summary;
    /** Synthesis time / audio duration (whole sentence), dimensionless; below 1 is faster than real time. */
    realTimeFactor: Summary;
    /** Audio produced for the sentence, ms. */
    audioMs: number;
    voice: string;
    /** Where espeak ran: a worker thread (the engine's thread stays free) or in-process. */
    where: string | null;
  };
  chunker: {
    /** Tokens in the reply pushed through the chunker. */
    tokens: number;
    chunks: number;
    /** CPU per token (push + share of flush), µs: median over the runs. */
    usPerToken: Summary;
  };
}

export const TEN_WORDS = 'The quick brown fox jumps over the lazy sleeping dog.';

export async function benchSpeech(
  opts: { runs?: number; chunkerRuns?: number } = {},
): Promise<SpeechBenchResult> {
  const runs = opts.runs ?? 20;
  const tts = createTts({ provider: 'espeak', voice: 'en-us' }, { clock: systemClock, env: {} });
  const loadStart = systemClock.now();
  await tts.warm();
  const loadMs = systemClock.now() - loadStart;
  for (let i = 0; i < 3; i++) await tts.synthesizeAll(TEN_WORDS);
  const first: number[] = [];
  const rtf: number[] = [];
  let audioMs = 0;
  for (let i = 0; i < runs; i++) {
    // The engine restores its memory between runs off the critical path: give it that moment, as a
    // conversation would (chunks are seconds apart in time, not back to back).
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
    const { metrics } = await tts.synthesizeAll(TEN_WORDS);
    if (metrics.firstAudioMs !== null) first.push(metrics.firstAudioMs);
    if (metrics.realTimeFactor !== null) rtf.push(metrics.realTimeFactor);
    audioMs = metrics.audioMs;
  }
  await tts.close();

  const reply = longReply();
  const tokens = tokenize(reply);
  const perToken: number[] = [];
  let chunks = 0;
  const chunker = new Chunker();
  for (let r = 0; r < (opts.chunkerRuns ?? 7) + 2; r++) {
    const t0 = process.hrtime.bigint();
    let n = 0;
    for (const token of tokens) n += chunker.push(token).length;
    n += chunker.flush().length;
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    if (r >= 2) perToken.push(us / tokens.length); // the first runs warm the JIT
    chunks = n;
  }

  return {
    espeak: {
      sentence: TEN_WORDS,
      // A load under ~5 ms means another part of this process had already loaded it.
      engineLoadMs: loadMs > 5 ? loadMs : null,
      firstAudioMs: summarize(first),
      realTimeFactor: summarize(rtf),
      audioMs,
      voice: tts.label,
      where: tts instanceof EspeakTts ? tts.where : null,
    },
    chunker: { tokens: tokens.length, chunks, usPerToken: summarize(perToken) },
  };
}

/** About 20,000 tokens of the kind of answer a chat model gives. */
function longReply(): string {
  const section = [
    '## Getting started\n\n',
    "Sure, here's how I'd think about it: the short version is that it depends on a few things, and latency is usually the biggest one. ",
    'Dr. Smith measured 3.14 ms per step, e.g. on the U.S. servers, vs. 12.5 ms elsewhere. ',
    'See https://example.com/docs/latency?ref=bench or write to ops@example.org for details. 🎉\n\n',
    '1. **Measure** the time to first token.\n2. Then measure `tokens per second` — carefully!\n3. Compare.\n\n',
    '```python\nfor i in range(10):\n    print(i * 2)  # not read aloud\n```\n\n',
    'Is that all? Not quite... There are a few good rules of thumb, and people who are good at this tend to keep things simple and adjust as they go.\n\n',
  ].join('');
  return section.repeat(60);
}

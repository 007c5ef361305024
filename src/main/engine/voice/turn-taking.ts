/**
 * How a lane decides the user is done, and what it does before it is sure: the silence window (fixed
 * or adapted to the words so far), the short pause at which it transcribes ahead, and whether it starts
 * the reply there (speculation). `endpointWindowMs` is the adaptive rule, a pure function of the
 * tentative transcript.
 */

export interface TurnTaking {
  /** The silence window when the words give no hint (and always, when `adaptive` is null), ms. */
  silenceMs: number;
  /** Silence inside an utterance at which it is transcribed ahead of the endpoint, ms; 0: never. */
  pauseMs: number;
  /** Start the reply at the pause (adopted at the endpoint, discarded if the speaker goes on). */
  speculate: boolean;
  /** Bounds of the adapted window, ms; null: the window stays `silenceMs`. */
  adaptive: { finishedMs: number; trailingMs: number } | null;
}

export const DEFAULT_TURN_TAKING: TurnTaking = {
  silenceMs: 300,
  pauseMs: 96,
  speculate: true,
  adaptive: { finishedMs: 200, trailingMs: 800 },
};

/** The fixed window: no pause, no speculation, no adaptation (the behaviour before any of them). */
export function fixedTurnTaking(silenceMs: number): TurnTaking {
  return { silenceMs, pauseMs: 0, speculate: false, adaptive: null };
}

/**
 * Words a sentence does not end on: a speaker who stops after one of them is thinking, not done.
 * Conjunctions, fillers, articles and prepositions that need a word after them.
 */
const TRAILING_WORDS = new Set([
  'and',
  'but',
  'or',
  'so',
  'because',
  'um',
  'uh',
  'er',
  'erm',
  'hmm',
  'like',
  'the',
  'a',
  'an',
  'to',
  'of',
  'with',
  'for',
  'if',
  'then',
  'which',
  'that',
  'my',
  'your',
]);

export type EndpointHint = 'finished' | 'trailing' | 'unclear';

/** What the tentative transcript says about the speaker being done. */
export function endpointHint(transcript: string): EndpointHint {
  const text = transcript.trim();
  if (text === '') return 'unclear';
  // "and…", "so...", a trailing comma or dash: the speaker is mid-thought.
  if (/(\.\.\.|…|,|-|–|—)$/.test(text)) return 'trailing';
  const lastWord = (text.toLowerCase().match(/([a-z']+)[^a-z']*$/)?.[1] ?? '').replace(/'/g, '');
  // Recognizers often end any utterance with a period; "and." still trails off.
  if (TRAILING_WORDS.has(lastWord)) return 'trailing';
  if (/[.?!]["')\]]*$/.test(text)) return 'finished';
  return 'unclear';
}

/** The silence window for an utterance whose words so far are `transcript`, ms. */
export function endpointWindowMs(transcript: string, t: TurnTaking): number {
  if (t.adaptive === null) return t.silenceMs;
  switch (endpointHint(transcript)) {
    case 'finished':
      return t.adaptive.finishedMs;
    case 'trailing':
      return t.adaptive.trailingMs;
    case 'unclear':
      return t.silenceMs;
  }
}

/** Checks options where they enter (a CLI flag, a setting): a RangeError naming the bad one. */
export function checkTurnTaking(t: TurnTaking): TurnTaking {
  const range = (name: string, v: number, min: number, max: number): void => {
    if (!Number.isFinite(v) || v < min || v > max)
      throw new RangeError(`${name} must be from ${min} to ${max} ms (got ${v})`);
  };
  range('silence window', t.silenceMs, 32, 5_000);
  range('pause', t.pauseMs, 0, 5_000);
  if (t.adaptive) {
    range('finished window', t.adaptive.finishedMs, 32, 5_000);
    range('trailing window', t.adaptive.trailingMs, t.adaptive.finishedMs, 5_000);
  }
  if (t.pauseMs > 0 && t.pauseMs >= Math.min(t.silenceMs, t.adaptive?.finishedMs ?? t.silenceMs))
    throw new RangeError(`the pause (${t.pauseMs} ms) must be shorter than the silence window`);
  return t;
}

/**
 * The turn-taking the app runs with, from its environment: `DIALTONE_SILENCE_MS=N` keeps the fixed
 * window of N ms (no pause, no speculation, no adaptation), `DIALTONE_SPECULATION=off` keeps the
 * adaptive window but starts no reply early, `DIALTONE_PAUSE_MS`, `DIALTONE_FINISHED_MS` and
 * `DIALTONE_TRAILING_MS` move the bounds. A bad value throws, naming the variable.
 */
export function turnTakingFromEnv(env: Record<string, string | undefined>): TurnTaking {
  const num = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new RangeError(`${name} must be a number of ms (got "${raw}")`);
    return n;
  };
  const speculation = env.DIALTONE_SPECULATION?.trim().toLowerCase();
  if (speculation !== undefined && speculation !== '' && !['on', 'off'].includes(speculation))
    throw new RangeError(`DIALTONE_SPECULATION must be on or off (got "${env.DIALTONE_SPECULATION}")`);
  const fixed = num('DIALTONE_SILENCE_MS');
  try {
    if (fixed !== undefined) return checkTurnTaking(fixedTurnTaking(fixed));
    const d = DEFAULT_TURN_TAKING;
    return checkTurnTaking({
      silenceMs: d.silenceMs,
      pauseMs: num('DIALTONE_PAUSE_MS') ?? d.pauseMs,
      speculate: speculation !== 'off',
      adaptive: {
        finishedMs: num('DIALTONE_FINISHED_MS') ?? d.adaptive!.finishedMs,
        trailingMs: num('DIALTONE_TRAILING_MS') ?? d.adaptive!.trailingMs,
      },
    });
  } catch (err) {
    throw new RangeError(`turn-taking settings: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

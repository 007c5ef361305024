/**
 * The live figures of a turn as display strings. Pure: the painter calls it every frame with the
 * engine time now; a turn in flight counts up, a finished one shows what the engine measured.
 */
import { streamRate } from '../../../shared/metrics';
import type { LiveTurn } from './live-turns';

export interface FigureValues {
  /** What the figures describe: "turn in flight", "last turn", … */
  label: string;
  ttft: string;
  /** No token yet: `ttft` is the wait so far, still counting. */
  ttftPending: boolean;
  tokens: string;
  /** Hidden reasoning tokens, e.g. "+400 reasoning"; empty when none. */
  reasoning: string;
  tps: string;
  elapsed: string;
  /** A given line (a scenario's opening): written, not generated, so no TTFT or rate. */
  scripted: boolean;
}

export const NO_VALUE = '—';

const EMPTY: FigureValues = {
  label: 'no turn yet',
  ttft: NO_VALUE,
  ttftPending: false,
  tokens: NO_VALUE,
  reasoning: '',
  tps: NO_VALUE,
  elapsed: NO_VALUE,
  scripted: false,
};

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatMs(ms: number): string {
  return integer.format(Math.max(0, ms));
}

export function formatRate(tokensPerSecond: number): string {
  return tokensPerSecond < 100 ? tokensPerSecond.toFixed(1) : integer.format(tokensPerSecond);
}

export function formatSeconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(2);
}

/**
 * Decode rate while streaming, by the engine's rule (`streamRate`): none until the stream has run
 * long enough to measure, so a short reply never flashes 10,000 tok/s.
 */
function liveRate(turn: LiveTurn): number | null {
  const generated = turn.answerTokens + turn.reasoningTokens;
  return streamRate(generated, 1, turn.firstTokenAtMs, turn.lastTokenAtMs);
}

const LABELS: Record<LiveTurn['status'], string> = {
  running: 'turn in flight',
  done: 'last turn',
  cancelled: 'last turn (cancelled)',
  failed: 'last turn (failed)',
};

export function figureValues(turn: LiveTurn | null, engineNowMs: number | null): FigureValues {
  if (turn === null) return EMPTY;
  const m = turn.metrics;
  if (m?.scripted) {
    return {
      ...EMPTY,
      label: 'scripted line',
      tokens: integer.format(turn.answerTokens),
      scripted: true,
    };
  }
  const running = turn.status === 'running';
  const nowMs = engineNowMs ?? turn.lastTokenAtMs ?? turn.requestAtMs;

  let ttftMs = m ? m.ttftMs : turn.firstTokenAtMs === null ? null : turn.firstTokenAtMs - turn.requestAtMs;
  const ttftPending = ttftMs === null && running;
  if (ttftPending) ttftMs = nowMs - turn.requestAtMs;

  const rate = m ? m.tokensPerSecond : liveRate(turn);
  const elapsedMs = m
    ? m.totalMs
    : running
      ? nowMs - turn.requestAtMs
      : (turn.endAtMs ?? nowMs) - turn.requestAtMs;

  return {
    label: LABELS[turn.status],
    ttft: ttftMs === null ? NO_VALUE : formatMs(ttftMs),
    ttftPending,
    tokens: integer.format(turn.answerTokens),
    reasoning: turn.reasoningTokens > 0 ? `+${integer.format(turn.reasoningTokens)} reasoning` : '',
    tps: rate === null ? NO_VALUE : formatRate(rate),
    elapsed: formatSeconds(elapsedMs),
    scripted: false,
  };
}

/**
 * One line for the turn before: "TTFT 152 ms · 58 tok · 1,990 tok/s · 0.84 s" ("—" tok/s left out:
 * too short to measure); a given line reads "scripted".
 */
export function summaryLine(turn: LiveTurn | null): string {
  if (turn === null || turn.status === 'running') return '';
  const v = figureValues(turn, null);
  if (v.scripted) return `scripted · ${v.tokens} tok`;
  const parts = [`TTFT ${v.ttft} ms`, `${v.tokens} tok`];
  if (v.tps !== NO_VALUE) parts.push(`${v.tps} tok/s`);
  parts.push(`${v.elapsed} s`);
  return parts.join(' · ');
}

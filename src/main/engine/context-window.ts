/**
 * The context window: which part of a conversation goes into a request. Without one, a long
 * conversation sends its whole history with every turn until the backend refuses the request (the
 * simulated server's 1 MiB body limit was hit after ~5,600 short turns) and the lane stays broken.
 *
 * The budget is in **characters of message content**, system prompt included — not tokens: no
 * tokenizer per provider, the same answer on every machine, and English runs about 4 characters per
 * token, so 32,000 characters ≈ 8,000 tokens. Each provider has a default (`contextChars` in
 * providers/llm/presets.ts); a lane spec sets its own with `context=N`.
 */
import type { ContextWindowReport } from '../../shared/metrics';
import type { ChatMessage } from './providers/llm/types';

export type { ContextWindowReport };

/** The budget when nothing else says: ~8,000 tokens. */
export const DEFAULT_CONTEXT_CHARS = 32_000;

export interface WindowedContext {
  /** The system prompt, then the turns that fit, oldest first. */
  messages: ChatMessage[];
  report: ContextWindowReport;
}

/**
 * The messages to send: the system prompt always, the newest turn always (it holds what is being
 * answered), then older turns, newest first, for as long as they fit `budgetChars`. A turn goes in
 * whole or not at all, and the first one that does not fit ends the window: a request never skips
 * a turn in the middle of what it sends.
 *
 * @param turns the conversation, oldest first; each inner array is one turn (e.g. user + assistant)
 */
export function fitContext(
  system: string | null,
  turns: readonly (readonly ChatMessage[])[],
  budgetChars: number,
): WindowedContext {
  let chars = system === null ? 0 : system.length;
  let first = turns.length;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turnChars = turns[i]!.reduce((n, m) => n + m.content.length, 0);
    if (i < turns.length - 1 && chars + turnChars > budgetChars) break;
    chars += turnChars;
    first = i;
  }
  const kept = turns.slice(first).flat();
  let droppedEntries = 0;
  for (let i = 0; i < first; i++) droppedEntries += turns[i]!.length;
  return {
    messages: [...(system === null ? [] : [{ role: 'system' as const, content: system }]), ...kept],
    report: { sentEntries: kept.length, droppedEntries, chars, budgetChars },
  };
}

/**
 * Groups a history into turns: consecutive entries with the same key are one turn; an entry without
 * a key is a turn of its own.
 */
export function groupTurns<T>(entries: readonly T[], keyOf: (entry: T) => string | undefined): T[][] {
  const turns: T[][] = [];
  let lastKey: string | undefined;
  for (const entry of entries) {
    const key = keyOf(entry);
    const current = turns.at(-1);
    if (current && key !== undefined && key === lastKey) current.push(entry);
    else turns.push([entry]);
    lastKey = key;
  }
  return turns;
}

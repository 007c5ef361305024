/**
 * A lane's conversation as the engine keeps it: bounded. It holds what someone still needs — the
 * entries the context window can send (the lane's budget in characters) and the entries a client
 * that connects gets in `hello` — and forgets older turns whole, counting them.
 */
import { HELLO_HISTORY_CHARS, HELLO_HISTORY_ENTRIES, type ChatEntry } from '../../shared/protocol';
import { fitContext, groupTurns, type WindowedContext } from './context-window';
import type { ChatMessage } from './providers/llm/types';

export class LaneHistory {
  private entries: ChatEntry[] = [];
  private chars = 0;
  /** Entries of this conversation no longer held (oldest first), since the last clear. */
  private forgotten = 0;

  get length(): number {
    return this.entries.length;
  }

  /** Adds an entry, then forgets the oldest turns nobody can need any more (see `keepChars`). */
  push(entry: ChatEntry, keepChars: number): void {
    this.entries.push(entry);
    this.chars += entry.text.length;
    this.forget(keepChars);
  }

  clear(): void {
    this.entries = [];
    this.chars = 0;
    this.forgotten = 0;
  }

  /**
   * The request's messages: the system prompt, then the newest whole turns that fit `budgetChars`.
   * `pending` is a user entry asked about but not yet in the history (a speculative reply's question).
   */
  context(systemPrompt: string, budgetChars: number, pending?: ChatEntry): WindowedContext {
    const turns = groupTurns(
      [...this.entries, ...(pending ? [pending] : [])].filter((e) => e.text.trim() !== ''),
      (e) => e.turnId,
    ).map((turn) => turn.map((e): ChatMessage => ({ role: e.role, content: e.text })));
    const windowed = fitContext(systemPrompt, turns, budgetChars);
    // Entries forgotten earlier were left out too: the report counts everything not sent.
    windowed.report.droppedEntries += this.forgotten;
    return windowed;
  }

  /** The end of the conversation for `hello`: at most HELLO_HISTORY_ENTRIES / _CHARS, whole entries. */
  forHello(): { history: ChatEntry[]; omittedEntries: number } {
    let chars = 0;
    let first = this.entries.length;
    while (first > 0 && this.entries.length - first < HELLO_HISTORY_ENTRIES) {
      const next = this.entries[first - 1]!.text.length;
      // The newest entry always goes, however long: a client must see what was said last.
      if (first < this.entries.length && chars + next > HELLO_HISTORY_CHARS) break;
      chars += next;
      first -= 1;
    }
    return {
      history: this.entries.slice(first).map((e) => ({ ...e })),
      omittedEntries: this.forgotten + first,
    };
  }

  /**
   * Forgets whole turns from the front while what remains still covers both `keepChars` (the
   * largest window a request can take) and what `hello` sends. A context window that grows later
   * (a new `context=`) starts from what is left; the conversation's start is then simply gone.
   */
  private forget(keepChars: number): void {
    const keepEntries = HELLO_HISTORY_ENTRIES;
    const keep = Math.max(keepChars, HELLO_HISTORY_CHARS);
    let drop = 0;
    let dropChars = 0;
    while (drop < this.entries.length) {
      const turnId = this.entries[drop]!.turnId;
      let end = drop + 1;
      while (turnId !== undefined && end < this.entries.length && this.entries[end]!.turnId === turnId) end++;
      let turnChars = 0;
      for (let i = drop; i < end; i++) turnChars += this.entries[i]!.text.length;
      const left = this.entries.length - end;
      if (left < keepEntries || this.chars - dropChars - turnChars < keep) break;
      drop = end;
      dropChars += turnChars;
    }
    if (drop === 0) return;
    this.entries.splice(0, drop);
    this.chars -= dropChars;
    this.forgotten += drop;
  }
}

/**
 * Coalesces streamed pieces into one socket message per event-loop turn: everything that arrived
 * from the same network read travels together, so 20,000 tok/s costs a few hundred messages a second
 * and adds no delay (the flush runs on setImmediate, right after the read that brought the tokens).
 */
export interface TokenBatch {
  text: string;
  /** Pieces in this batch. */
  tokens: number;
  /** Engine clock of the first and last piece in the batch, ms. */
  firstAtMs: number;
  lastAtMs: number;
}

export class TokenBatcher {
  private text = '';
  private tokens = 0;
  private firstAtMs = 0;
  private lastAtMs = 0;
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly emit: (batch: TokenBatch) => void) {}

  push(text: string, atMs: number): void {
    if (this.tokens === 0) this.firstAtMs = atMs;
    this.text += text;
    this.tokens += 1;
    this.lastAtMs = atMs;
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Emits what is pending now (call before reporting the end of a turn). */
  flush(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    if (this.tokens === 0) return;
    const batch = {
      text: this.text,
      tokens: this.tokens,
      firstAtMs: this.firstAtMs,
      lastAtMs: this.lastAtMs,
    };
    this.text = '';
    this.tokens = 0;
    this.emit(batch);
  }
}

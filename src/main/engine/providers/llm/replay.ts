/**
 * ReplayProvider: plays a recorded run back with no network. The lane's Nth request gets the
 * recording's Nth turn: the same pieces, each emitted at its recorded offset from the request, so
 * TTFT, decode rate and stream end come out as they were measured live. Every piece is scheduled
 * against the clock (emit what is due when woken, then sleep until the next one), so timer lateness
 * never accumulates into drift.
 */
import type { Clock } from '../../clock';
import type { RecordedTurn, Recording } from '../../recording/format';
import { LlmError } from './errors';
import type { LlmErrorCode } from './errors';
import { LLM_ERROR_RETRYABLE } from './errors';
import { buildMetrics } from './turn-metrics';
import type { LlmEvent, LlmProvider, LlmResult, LlmStreamRequest } from './types';

export class ReplayProvider implements LlmProvider {
  readonly id = 'replay';
  readonly model: string;
  /** "Replay of Cerebras · llama3.1-8b": a replay is never shown as a live run. */
  readonly label: string;
  private served = 0;

  constructor(
    private readonly recording: Recording,
    /** The file it came from, as the presenter gave it (named in errors). */
    readonly file: string,
    private readonly clock: Clock,
  ) {
    this.model = recording.provider.model;
    this.label = `Replay of ${recording.provider.label}`;
  }

  /** Turns this replay holds. */
  get turnCount(): number {
    return this.recording.turns.length;
  }

  async stream(request: LlmStreamRequest): Promise<LlmResult> {
    const number = ++this.served;
    const turn = this.recording.turns[number - 1];
    if (!turn) {
      const n = this.recording.turns.length;
      throw new LlmError(
        'bad_request',
        `recording ${this.file} has ${n} turn${n === 1 ? '' : 's'}; turn ${number} was asked for, so the replay has ended`,
      );
    }
    return new ReplayTurn(turn, request, this.clock).run();
  }
}

class ReplayTurn {
  private requestAtMs = 0;
  private next = 0;
  private text = '';
  private reasoningText = '';
  private answerChunks = 0;
  private reasoningChunks = 0;
  private firstTokenAtMs: number | null = null;
  private firstAnswerTokenAtMs: number | null = null;
  private lastTokenAtMs: number | null = null;

  constructor(
    private readonly turn: RecordedTurn,
    private readonly request: LlmStreamRequest,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<LlmResult> {
    const { signal } = this.request;
    this.requestAtMs = this.clock.now();
    if (signal.aborted) return this.result(true);
    await this.play();
    if (signal.aborted) return this.result(true);
    const { turn } = this;
    if (turn.outcome === 'error') {
      // Retryability follows from the code, as it did live; a code this version does not know (a
      // provider's own failure recorded as 'failed') replays as a server fault.
      const code = (turn.error?.code ?? 'server') as LlmErrorCode;
      const known = code in LLM_ERROR_RETRYABLE;
      throw new LlmError(known ? code : 'server', turn.error?.message ?? 'the recorded request failed');
    }
    return this.result(false);
  }

  /** Resolves when the recorded stream has ended, or at once when the turn is cancelled. */
  private play(): Promise<void> {
    const { signal } = this.request;
    const events = this.turn.events;
    const endOffsetMs = Math.max(this.turn.endOffsetMs, events.at(-1)?.offsetMs ?? 0);
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
      const stop = (): void => {
        if (timer !== null) {
          clearTimeout(timer as NodeJS.Timeout);
          clearImmediate(timer as NodeJS.Immediate);
        }
        timer = null;
        resolve();
      };
      signal.addEventListener('abort', stop, { once: true });
      const step = (): void => {
        timer = null;
        if (signal.aborted) return;
        try {
          const elapsed = this.clock.now() - this.requestAtMs;
          while (this.next < events.length && events[this.next]!.offsetMs <= elapsed) {
            this.emit(events[this.next]!);
            this.next++;
            if (signal.aborted) return; // onEvent may cancel the turn
          }
        } catch (err) {
          signal.removeEventListener('abort', stop);
          reject(err); // onEvent threw: passed through as is, like the live provider
          return;
        }
        const dueMs = this.next < events.length ? events[this.next]!.offsetMs : endOffsetMs;
        const waitMs = dueMs - (this.clock.now() - this.requestAtMs);
        if (this.next >= events.length && waitMs <= 0) {
          signal.removeEventListener('abort', stop);
          resolve();
          return;
        }
        // Timers have 1 ms granularity and may wake a little early: sleep the whole milliseconds,
        // then finish the last fraction on the event loop.
        timer = waitMs >= 1 ? setTimeout(step, Math.floor(waitMs)) : setImmediate(step);
      };
      step();
    });
  }

  private emit(recorded: { kind: LlmEvent['kind']; text: string }): void {
    const atMs = this.clock.now();
    if (this.firstTokenAtMs === null) this.firstTokenAtMs = atMs;
    this.lastTokenAtMs = atMs;
    if (recorded.kind === 'token') {
      if (this.firstAnswerTokenAtMs === null) this.firstAnswerTokenAtMs = atMs;
      this.answerChunks++;
      this.text += recorded.text;
    } else {
      this.reasoningChunks++;
      this.reasoningText += recorded.text;
    }
    this.request.onEvent({ kind: recorded.kind, text: recorded.text, atMs });
  }

  private result(aborted: boolean): LlmResult {
    const recorded = this.turn.metrics;
    // A whole replay carries the provider's own accounting; a cut one, like a cut live stream, does not.
    const whole = !aborted && recorded !== null;
    const usage =
      whole && recorded.tokenCountSource === 'usage'
        ? {
            completion_tokens: recorded.tokens + recorded.reasoningTokens,
            completion_tokens_details: { reasoning_tokens: recorded.reasoningTokens },
          }
        : undefined;
    const metrics = buildMetrics({
      requestAtMs: this.requestAtMs,
      endAtMs: this.clock.now(),
      firstTokenAtMs: this.firstTokenAtMs,
      firstAnswerTokenAtMs: this.firstAnswerTokenAtMs,
      lastTokenAtMs: this.lastTokenAtMs,
      answerChunks: this.answerChunks,
      reasoningChunks: this.reasoningChunks,
      usage,
      timeInfo: undefined,
      groqUsage: undefined,
    });
    if (whole && recorded.providerTiming) metrics.providerTiming = { ...recorded.providerTiming };
    return {
      text: this.text,
      reasoningText: this.reasoningText,
      aborted,
      finishReason: aborted ? null : this.turn.finishReason,
      metrics,
    };
  }
}

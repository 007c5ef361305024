/**
 * A lane: one conversation with one backend. It owns the history and at most one turn in flight;
 * a turn that fails or is cancelled ends that turn only — the lane stays usable.
 */
import type { ChatEntry, EngineEvent, LaneSnapshot, LaneState } from '../../shared/protocol';
import { formatLaneSpec, parseLaneSpec, type LaneSpec } from '../../shared/lane-spec';
import type { Clock } from './clock';
import { LlmError } from './providers/llm/errors';
import type { ChatMessage, LlmProvider } from './providers/llm/types';
import { TokenBatcher } from './token-batcher';

/** Builds the provider for a spec; throws LaneSpecError (with a presenter-readable message) on bad config. */
export type ProviderFactory = (spec: LaneSpec) => LlmProvider;

export const VOICE_SYSTEM_PROMPT =
  'You are a friendly voice assistant in a live conversation. Answer in one to three short, ' +
  'natural spoken sentences. No lists, no markdown, no emoji.';

interface Turn {
  id: string;
  abort: AbortController;
  done: Promise<void>;
}

export class Lane {
  private spec: LaneSpec;
  private provider: LlmProvider;
  private readonly history: ChatEntry[] = [];
  private state: LaneState = 'idle';
  private turn: Turn | null = null;
  private turnCount = 0;

  constructor(
    readonly id: string,
    private label: string,
    specText: string,
    private readonly deps: {
      clock: Clock;
      createProvider: ProviderFactory;
      emit: (event: EngineEvent) => void;
    },
  ) {
    this.spec = parseLaneSpec(specText);
    this.provider = deps.createProvider(this.spec);
  }

  snapshot(): LaneSnapshot {
    return {
      laneId: this.id,
      label: this.label,
      spec: formatLaneSpec(this.spec),
      provider: this.provider.id,
      model: this.provider.model,
      state: this.state,
      history: this.history.map((entry) => ({ ...entry })),
    };
  }

  /** Switches the backend. Throws LaneSpecError and keeps the old backend when the spec is bad. */
  configure(specText: string, label?: string): void {
    const spec = parseLaneSpec(specText);
    const provider = this.deps.createProvider(spec);
    this.spec = spec;
    this.provider = provider;
    if (label !== undefined) this.label = label;
    this.emitState();
  }

  reset(): void {
    this.cancel();
    this.history.length = 0;
    this.emitState();
  }

  /** Starts a turn; a turn still in flight is cancelled first (the newest request wins). */
  send(userText: string): Promise<void> {
    const previous = this.turn;
    previous?.abort.abort();
    this.turnCount += 1;
    const turn: Turn = {
      id: `${this.id}-${this.turnCount}`,
      abort: new AbortController(),
      done: Promise.resolve(),
    };
    this.turn = turn;
    // The cancelled turn writes its partial reply to history first, so history keeps the spoken order.
    turn.done = (previous?.done ?? Promise.resolve()).then(() => {
      this.history.push({ role: 'user', text: userText, turnId: turn.id });
      return this.runTurn(turn, userText);
    });
    return turn.done;
  }

  /** Cancels the turn in flight, if any. The partial reply stays in history as interrupted. */
  cancel(): void {
    this.turn?.abort.abort();
  }

  /** Cancels and waits for the turn to wind down (shutdown, lane removal). */
  async close(): Promise<void> {
    const turn = this.turn;
    this.cancel();
    await turn?.done;
  }

  private messages(): ChatMessage[] {
    const out: ChatMessage[] = [{ role: 'system', content: VOICE_SYSTEM_PROMPT }];
    for (const entry of this.history) {
      if (entry.text.trim() !== '') out.push({ role: entry.role, content: entry.text });
    }
    return out;
  }

  private async runTurn(turn: Turn, userText: string): Promise<void> {
    const { emit, clock } = this.deps;
    const laneId = this.id;
    const turnId = turn.id;
    let answerTotal = 0;
    let reasoningTotal = 0;
    const answer = new TokenBatcher((b) => {
      answerTotal += b.tokens;
      emit({ type: 'llm.token', laneId, turnId, ...b, totalTokens: answerTotal });
    });
    const reasoning = new TokenBatcher((b) => {
      reasoningTotal += b.tokens;
      emit({ type: 'llm.reasoning', laneId, turnId, ...b, totalTokens: reasoningTotal });
    });
    this.setState('thinking');
    emit({ type: 'turn.started', laneId, turnId, userText, requestMs: clock.now() });

    let received = '';
    try {
      const result = await this.provider.stream({
        messages: this.messages(),
        signal: turn.abort.signal,
        onEvent: (event) => {
          if (event.kind === 'token') {
            received += event.text;
            answer.push(event.text, event.atMs);
          } else {
            reasoning.push(event.text, event.atMs);
          }
        },
      });
      reasoning.flush();
      answer.flush();
      if (result.aborted) {
        this.history.push({ role: 'assistant', text: result.text, turnId, interrupted: true });
        emit({ type: 'interrupt', laneId, turnId, heardText: result.text });
      } else {
        this.history.push({ role: 'assistant', text: result.text, turnId });
        emit({ type: 'llm.done', laneId, turnId, text: result.text, metrics: result.metrics });
      }
    } catch (err) {
      reasoning.flush();
      answer.flush();
      if (received !== '')
        this.history.push({ role: 'assistant', text: received, turnId, interrupted: true });
      emit(turnError(laneId, turnId, err));
    } finally {
      if (this.turn === turn) {
        this.turn = null;
        this.setState('idle');
      }
    }
  }

  private setState(state: LaneState): void {
    this.state = state;
    this.emitState();
  }

  private emitState(): void {
    this.deps.emit({ type: 'lane.state', lane: this.snapshot() });
  }
}

function turnError(laneId: string, turnId: string, err: unknown): EngineEvent {
  if (err instanceof LlmError) {
    return {
      type: 'error',
      laneId,
      turnId,
      stage: 'llm',
      code: err.code,
      message: err.message,
      recoverable: true,
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    };
  }
  // A bug of ours, not the provider's: report it on this lane and keep the lane alive.
  const message = err instanceof Error ? err.message : String(err);
  return { type: 'error', laneId, turnId, stage: 'engine', code: 'internal', message, recoverable: true };
}

/**
 * The turn in flight, outside React: streamed text and live counters change hundreds of times a
 * second, so they live in plain mutable objects. The painter reads them once per animation frame;
 * React only hears about structure (turn started / ended), through the store.
 */
import type { EngineEvent } from '../../../shared/protocol';
import type { LlmTurnMetrics } from '../../../shared/metrics';

/** Text arriving in pieces; `chunks` only grows, except when the final text replaces it (`resets`). */
export class TextStream {
  readonly chunks: string[] = [];
  /** Engine time of the newest token in each chunk. */
  readonly lastAtMs: number[] = [];
  /** Bumped when the content is replaced rather than appended to. */
  resets = 0;

  push(text: string, lastAtMs: number): void {
    if (text === '') return;
    this.chunks.push(text);
    this.lastAtMs.push(lastAtMs);
  }

  text(): string {
    return this.chunks.join('');
  }

  /** Replaces the content with `text` (the engine's final text disagreed with what streamed). */
  replace(text: string, lastAtMs: number): void {
    this.chunks.length = 0;
    this.lastAtMs.length = 0;
    this.push(text, lastAtMs);
    this.resets += 1;
  }
}

export type LiveTurnStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface LiveTurn {
  laneId: string;
  turnId: string;
  userText: string;
  /** Bot-to-bot runs: the persona saying it. */
  speaker: string | null;
  /** Engine time the request was sent. */
  requestAtMs: number;
  status: LiveTurnStatus;
  answer: TextStream;
  reasoning: TextStream;
  /** Engine time of the first token of either kind. */
  firstTokenAtMs: number | null;
  /** Engine time of the newest token of either kind. */
  lastTokenAtMs: number | null;
  /** Answer tokens so far (streamed pieces; the final count comes from `metrics`). */
  answerTokens: number;
  reasoningTokens: number;
  /** Engine time the turn ended (cancelled or failed turns; done turns use `metrics`). */
  endAtMs: number | null;
  metrics: LlmTurnMetrics | null;
}

interface LaneTurns {
  current: LiveTurn | null;
  /** The turn before `current`, for the "previous turn" figures. */
  previous: LiveTurn | null;
}

export class LiveTurns {
  private readonly lanes = new Map<string, LaneTurns>();

  /**
   * @param engineNow engine time now by the current clock estimate (for turns that end without metrics)
   * @param onChange called after every change, so the painter can wake up
   */
  constructor(
    private readonly engineNow: () => number | null,
    private readonly onChange: () => void,
  ) {}

  current(laneId: string): LiveTurn | null {
    return this.lanes.get(laneId)?.current ?? null;
  }

  previous(laneId: string): LiveTurn | null {
    return this.lanes.get(laneId)?.previous ?? null;
  }

  /** The turn with this id, if it is the current or previous one of its lane. */
  find(laneId: string, turnId: string): LiveTurn | null {
    const lane = this.lanes.get(laneId);
    if (lane?.current?.turnId === turnId) return lane.current;
    if (lane?.previous?.turnId === turnId) return lane.previous;
    return null;
  }

  anyRunning(): boolean {
    for (const lane of this.lanes.values()) if (lane.current?.status === 'running') return true;
    return false;
  }

  apply(event: EngineEvent): void {
    switch (event.type) {
      case 'turn.started': {
        const lane = this.lane(event.laneId);
        if (lane.current) lane.previous = lane.current;
        lane.current = {
          laneId: event.laneId,
          turnId: event.turnId,
          userText: event.userText,
          speaker: event.speaker ?? null,
          requestAtMs: event.requestAtMs,
          status: 'running',
          answer: new TextStream(),
          reasoning: new TextStream(),
          firstTokenAtMs: null,
          lastTokenAtMs: null,
          answerTokens: 0,
          reasoningTokens: 0,
          endAtMs: null,
          metrics: null,
        };
        break;
      }
      case 'llm.token':
      case 'llm.reasoning': {
        const turn = this.find(event.laneId, event.turnId);
        if (!turn) return;
        turn.firstTokenAtMs ??= event.firstAtMs;
        turn.lastTokenAtMs = event.lastAtMs;
        if (event.type === 'llm.token') {
          turn.answer.push(event.text, event.lastAtMs);
          turn.answerTokens = event.totalTokens;
        } else {
          turn.reasoning.push(event.text, event.lastAtMs);
          turn.reasoningTokens = event.totalTokens;
        }
        break;
      }
      case 'llm.done': {
        const turn = this.find(event.laneId, event.turnId);
        if (!turn) return;
        turn.status = 'done';
        turn.metrics = event.metrics;
        turn.answerTokens = event.metrics.tokens;
        turn.reasoningTokens = event.metrics.reasoningTokens;
        if (turn.answer.text() !== event.text) {
          turn.answer.replace(event.text, event.metrics.lastTokenAtMs ?? turn.lastTokenAtMs ?? 0);
        }
        break;
      }
      case 'interrupt':
        this.end(event.laneId, event.turnId, 'cancelled');
        break;
      case 'error':
        if (event.laneId !== undefined && event.turnId !== undefined) {
          this.end(event.laneId, event.turnId, 'failed');
        }
        break;
      case 'hello': {
        // After a reconnect, a turn the engine finished while we were away will not report its end
        // to us, so close it here (history has what was said). Lanes that are gone are forgotten
        // through the lane registry.
        const byId = new Map(event.lanes.map((l) => [l.laneId, l]));
        for (const [laneId, lane] of this.lanes) {
          const snap = byId.get(laneId);
          if (snap && lane.current?.status === 'running' && snap.state === 'idle') {
            this.end(laneId, lane.current.turnId, 'failed');
          }
        }
        break;
      }
      default:
        return;
    }
    this.onChange();
  }

  /** The lane is gone (see store/lane-registry.ts). */
  forgetLane(laneId: string): void {
    if (this.lanes.delete(laneId)) this.onChange();
  }

  private end(laneId: string, turnId: string, status: 'cancelled' | 'failed'): void {
    const turn = this.find(laneId, turnId);
    if (!turn || turn.status !== 'running') return;
    turn.status = status;
    turn.endAtMs = this.engineNow() ?? turn.lastTokenAtMs ?? turn.requestAtMs;
  }

  private lane(laneId: string): LaneTurns {
    let lane = this.lanes.get(laneId);
    if (!lane) {
      lane = { current: null, previous: null };
      this.lanes.set(laneId, lane);
    }
    return lane;
  }
}

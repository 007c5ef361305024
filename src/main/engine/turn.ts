/**
 * One turn of a lane, owned by one object from request to heard: the LLM request, streamed to the UI
 * in batches and, when the turn has a voice, through the chunker and TTS to the players; then the wait
 * for the listener to hear it, and the turn's timeline. Its lifecycle is the shape of livekit's
 * `SpeechHandle`: the lane holds the `Turn`, calls `cancel()` (any number of times) and the player's
 * reports, and awaits `result`. Cancellation ends the turn quietly, keeping only what the listener heard.
 *
 * A speculative turn (started at a pause, before the user is surely done) runs held: its request,
 * tokens and speech go ahead, but nothing leaves it — no event, no audio, no phase — until `adopt()`
 * releases what it holds in order; cancelled before that, it is discarded and no one ever hears of it.
 */
import type { EngineEvent } from '../../shared/protocol';
import type { LlmTurnMetrics, TurnTimeline } from '../../shared/metrics';
import type { Clock } from './clock';
import { errorEvent, type ErrorEvent } from './errors';
import { TokenBatcher } from './token-batcher';
import type { PlaybackReport, TurnError, TurnOrigin, TurnPlan, TurnResult } from './turn-plan';
import { waitForPlayback } from './turn-playback';
import type { ChunkerPort } from './voice/ports';
import { SpeechOut } from './voice/speech-out';
import { buildTimeline } from './voice/timeline';

export type { PlaybackReport, TurnError, TurnOrigin, TurnPlan, TurnResult, TurnSpeaker } from './turn-plan';

/** Where a turn is: the lane's state table takes these as events (see lane-states.ts). */
export type TurnPhase = 'thinking' | 'speaking';

export interface TurnDeps {
  laneId: string;
  clock: Clock;
  createChunker: () => ChunkerPort;
  emit: (event: EngineEvent) => void;
  /** One frame of this turn's speech; the lane stamps and sends it. An empty frame ends the audio. */
  sendAudio: (samples: Int16Array, sampleRate: number) => void;
  /** The turn began thinking, or its first audio went out. */
  onPhase: (phase: TurnPhase) => void;
  /** Speculative: hold everything until `adopt()` (see the class comment). */
  held?: boolean;
}

/** What a held turn has sent out, kept in order until it is adopted or dropped. */
class Hold {
  private queue: Array<() => void> | null;
  dropped = false;
  private released: () => void = () => {};
  /** Settles when the turn is adopted or dropped. */
  readonly decided: Promise<void>;

  constructor(held: boolean) {
    this.queue = held ? [] : null;
    this.decided = held ? new Promise((resolve) => (this.released = resolve)) : Promise.resolve();
  }

  get holding(): boolean {
    return this.queue !== null;
  }

  pass(send: () => void): void {
    if (this.dropped) return;
    if (this.queue) this.queue.push(send);
    else send();
  }

  release(): void {
    const queue = this.queue ?? [];
    this.queue = null;
    for (const send of queue) send();
    this.released();
  }

  drop(): void {
    this.queue = null;
    this.dropped = true;
    this.released();
  }
}

export class Turn {
  /** Settles once the turn is over (its audio played or cut); never rejects. */
  readonly result: Promise<TurnResult>;
  private readonly abort = new AbortController();
  private readonly answer: TokenBatcher;
  private readonly reasoning: TokenBatcher;
  /** Answer text received so far. */
  private receivedText = '';
  private speech: SpeechOut | null = null;
  /** What the listener had heard when the turn was cancelled (null: not cancelled). */
  private heard: string | null = null;
  private audibleAtMs: number | null = null;
  private report: PlaybackReport | null = null;
  private reportArrived: () => void = () => {};
  private readonly reported = new Promise<void>((resolve) => (this.reportArrived = resolve));
  private readonly hold: Hold;
  /** The user's side, known only at adoption for a speculative turn. */
  private adoptedOrigin: TurnOrigin | null = null;
  private tokensSoFar = 0;
  /** What goes out, through the hold: events, audio and phase changes. */
  private readonly out: Pick<TurnDeps, 'emit' | 'sendAudio' | 'onPhase'>;

  /**
   * @param plan the turn's plan, or a promise of it: a lane's typed turn reads the history only once
   *   the turn before has written its reply, and the turn can be cancelled while it waits.
   */
  constructor(
    readonly id: string,
    plan: TurnPlan | Promise<TurnPlan>,
    private readonly deps: TurnDeps,
  ) {
    const { laneId } = deps;
    const hold = new Hold(deps.held === true);
    this.hold = hold;
    this.out = {
      emit: (event) => hold.pass(() => deps.emit(event)),
      sendAudio: (samples, sampleRate) => hold.pass(() => deps.sendAudio(samples, sampleRate)),
      onPhase: (phase) => hold.pass(() => deps.onPhase(phase)),
    };
    const emit = this.out.emit;
    let answerTotal = 0;
    let reasoningTotal = 0;
    this.answer = new TokenBatcher((b) => {
      answerTotal += b.tokens;
      this.tokensSoFar += b.tokens;
      emit({ type: 'llm.token', laneId, turnId: id, ...b, totalTokens: answerTotal });
    });
    this.reasoning = new TokenBatcher((b) => {
      reasoningTotal += b.tokens;
      this.tokensSoFar += b.tokens;
      emit({ type: 'llm.reasoning', laneId, turnId: id, ...b, totalTokens: reasoningTotal });
    });
    this.result = Promise.resolve(plan)
      .then((p) => this.run(p))
      .catch((err: unknown) => this.broke(err));
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  /** Speculative and not (yet) adopted: nothing of it has gone out. */
  get held(): boolean {
    return this.hold.holding;
  }

  /** Cancelled while held: it never existed for anyone outside the engine. */
  get discarded(): boolean {
    return this.hold.dropped;
  }

  /** Tokens generated so far (reasoning included): the work a discarded speculation threw away. */
  get generatedTokens(): number {
    return this.tokensSoFar;
  }

  /**
   * The user is done and this held turn answers what they said: what it holds goes out now, in
   * order, and the rest as it comes. `origin` is the user's side as the endpoint decided it.
   */
  adopt(origin: TurnOrigin): boolean {
    if (!this.hold.holding || this.cancelled) return false;
    this.adoptedOrigin = origin;
    this.hold.release();
    return true;
  }

  /**
   * Stops generation and speech at once and tells the clients (`interrupt`) what the listener heard:
   * the words of the audio played so far, or the text received when the turn is not spoken. Calling
   * it again changes nothing and returns the same words.
   */
  cancel(): string {
    if (this.heard !== null) return this.heard;
    // A held turn is discarded: its `interrupt`, like everything before it, never goes out.
    if (this.hold.holding) this.hold.drop();
    this.abort.abort();
    this.flushTokens();
    const playedMs = this.audibleAtMs === null ? 0 : this.deps.clock.now() - this.audibleAtMs;
    const heard = this.speech ? this.speech.heardText(playedMs) : this.receivedText;
    this.heard = heard;
    this.out.emit({ type: 'interrupt', laneId: this.deps.laneId, turnId: this.id, heardText: heard });
    return heard;
  }

  /** A player says the turn's first sample became audible at `audibleAtMs` (engine clock); first report wins. */
  playbackStarted(audibleAtMs: number): void {
    if (this.audibleAtMs === null) this.audibleAtMs = audibleAtMs;
  }

  /** A player says the turn's audio ended; first report wins. */
  playbackEnded(report: PlaybackReport): void {
    if (this.report) return;
    this.report = report;
    this.reportArrived();
  }

  private flushTokens(): void {
    this.reasoning.flush();
    this.answer.flush();
  }

  private async run(plan: TurnPlan): Promise<TurnResult> {
    const { clock, laneId } = this.deps;
    const { emit } = this.out;
    const turnId = this.id;
    const signal = this.abort.signal;
    let speaking = false;
    let failure: TurnError | undefined;
    const speech = plan.voice
      ? new SpeechOut({
          tts: plan.voice,
          chunker: this.deps.createChunker(),
          clock,
          signal,
          sendAudio: (samples, sampleRate) => {
            if (!speaking) {
              speaking = true;
              this.out.onPhase('speaking');
            }
            this.out.sendAudio(samples, sampleRate);
          },
          onChunk: (index, text) => emit({ type: 'tts.text', laneId, turnId, index, text }),
          onError: (err) => {
            // A cancelled turn ends quietly: what its voice ran into on the way out is no one's news.
            if (signal.aborted) return;
            const event = errorEvent(err, { laneId, turnId, stage: 'tts' });
            failure ??= errorOf(event);
            emit(event);
          },
        })
      : null;
    this.speech = speech;

    this.out.onPhase('thinking');
    emit({
      type: 'turn.started',
      laneId,
      turnId,
      userText: plan.userText,
      requestAtMs: clock.now(),
      ...(plan.speaker ? { speaker: plan.speaker.name } : {}),
    });

    let llm: LlmTurnMetrics | null = null;
    let fullText: string | null = null;
    try {
      const result = await plan.provider.stream({
        messages: plan.messages,
        signal,
        ...(plan.simReply !== undefined ? { simReply: plan.simReply } : {}),
        onEvent: (event) => {
          if (event.kind === 'token') {
            this.receivedText += event.text;
            this.answer.push(event.text, event.atMs);
            speech?.pushToken(event.text);
          } else {
            this.reasoning.push(event.text, event.atMs);
            speech?.countReasoningToken();
          }
        },
      });
      this.flushTokens();
      llm = result.metrics;
      if (!result.aborted) {
        fullText = result.text;
        emit({ type: 'llm.done', laneId, turnId, text: result.text, metrics: result.metrics });
      }
    } catch (err) {
      this.flushTokens();
      // Cancelled (`turn.cancel`, a new backend, a reset): the old request's failure, however late,
      // never reaches the lane.
      if (!signal.aborted) {
        const event = errorEvent(err, { laneId, turnId, stage: 'llm' });
        failure ??= errorOf(event);
        emit(event);
      }
    }

    let playedMs: number | null = null;
    let playbackEndAtMs: number | null = null;
    if (speech && !signal.aborted) await speech.finish();
    // Held: its audio is not playing yet, so there is no playback to wait for until it is adopted.
    await this.hold.decided;
    if (speech && speech.firstAudioAtMs !== null && !this.hold.dropped) {
      const report = await waitForPlayback({
        clock,
        signal,
        firstAudioAtMs: speech.firstAudioAtMs,
        totalAudioMs: () => speech.totalAudioMs,
        audibleAtMs: () => this.audibleAtMs,
        report: () => this.report,
        reported: this.reported,
      });
      playedMs = report.playedMs;
      playbackEndAtMs = report.endedAtMs;
    }

    const interrupted = signal.aborted;
    let assistantText: string | null;
    if (speech && playedMs !== null) {
      assistantText = interrupted ? speech.heardText(playedMs) : (fullText ?? this.receivedText);
    } else {
      assistantText = fullText ?? (this.receivedText === '' ? null : this.receivedText);
    }

    const origin = this.adoptedOrigin ?? plan.origin;
    const built = buildTimeline(
      {
        userDoneAtMs: origin.userDoneAtMs,
        lastVoicedAtMs: origin.lastVoicedAtMs ?? null,
        endpointAtMs: origin.endpointAtMs ?? null,
        transcriptAtMs: origin.transcriptAtMs ?? null,
        speculation: origin.speculation ?? null,
        firstChunkAtMs: speech?.firstChunkAtMs ?? null,
        firstChunkTokens: speech?.firstChunkTokens ?? null,
        firstAudioAtMs: speech?.firstAudioAtMs ?? null,
        audibleAtMs: this.audibleAtMs,
        playbackEndAtMs,
        speechMs: playedMs,
        interrupted,
      },
      llm,
    );
    const timeline: TurnTimeline = plan.context ? { ...built, context: plan.context } : built;
    emit({ type: 'turn.metrics', laneId, turnId, timeline });
    return {
      turnId,
      assistantText,
      interrupted: interrupted || fullText === null,
      text: interrupted ? null : fullText,
      timeline,
      ...(failure ? { error: failure } : {}),
    };
  }

  /** A fault of ours inside the turn: reported on the lane (unless cancelled), the lane stays alive. */
  private broke(err: unknown): TurnResult {
    const event = errorEvent(err, { laneId: this.deps.laneId, turnId: this.id, stage: 'engine' });
    if (!this.cancelled) this.out.emit(event);
    return {
      turnId: this.id,
      assistantText: null,
      interrupted: true,
      text: null,
      timeline: null,
      error: errorOf(event),
    };
  }
}

function errorOf(event: ErrorEvent): TurnError {
  return { stage: event.stage, code: event.code, message: event.message };
}

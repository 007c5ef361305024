/**
 * One turn of a lane, owned by one object from request to heard: the LLM request, streamed to the UI
 * in batches and, when the turn has a voice, through the chunker and TTS to the players; then the wait
 * for the listener to hear it, and the turn's timeline. Its lifecycle is the shape of livekit's
 * `SpeechHandle`: the lane holds the `Turn`, calls `cancel()` (any number of times) and the player's
 * reports, and awaits `result`. Cancellation ends the turn quietly, keeping only what the listener heard.
 */
import type { EngineEvent } from '../../shared/protocol';
import type { LlmTurnMetrics, TurnTimeline } from '../../shared/metrics';
import type { Clock } from './clock';
import { errorEvent, type ErrorEvent } from './errors';
import { TokenBatcher } from './token-batcher';
import type { PlaybackReport, TurnError, TurnPlan, TurnResult } from './turn-plan';
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

  /**
   * @param plan the turn's plan, or a promise of it: a lane's typed turn reads the history only once
   *   the turn before has written its reply, and the turn can be cancelled while it waits.
   */
  constructor(
    readonly id: string,
    plan: TurnPlan | Promise<TurnPlan>,
    private readonly deps: TurnDeps,
  ) {
    const { emit, laneId } = deps;
    let answerTotal = 0;
    let reasoningTotal = 0;
    this.answer = new TokenBatcher((b) => {
      answerTotal += b.tokens;
      emit({ type: 'llm.token', laneId, turnId: id, ...b, totalTokens: answerTotal });
    });
    this.reasoning = new TokenBatcher((b) => {
      reasoningTotal += b.tokens;
      emit({ type: 'llm.reasoning', laneId, turnId: id, ...b, totalTokens: reasoningTotal });
    });
    this.result = Promise.resolve(plan)
      .then((p) => this.run(p))
      .catch((err: unknown) => this.broke(err));
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  /**
   * Stops generation and speech at once and tells the clients (`interrupt`) what the listener heard:
   * the words of the audio played so far, or the text received when the turn is not spoken. Calling
   * it again changes nothing and returns the same words.
   */
  cancel(): string {
    if (this.heard !== null) return this.heard;
    this.abort.abort();
    this.flushTokens();
    const playedMs = this.audibleAtMs === null ? 0 : this.deps.clock.now() - this.audibleAtMs;
    const heard = this.speech ? this.speech.heardText(playedMs) : this.receivedText;
    this.heard = heard;
    this.deps.emit({ type: 'interrupt', laneId: this.deps.laneId, turnId: this.id, heardText: heard });
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
    const { emit, clock, laneId } = this.deps;
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
              this.deps.onPhase('speaking');
            }
            this.deps.sendAudio(samples, sampleRate);
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

    this.deps.onPhase('thinking');
    emit({ type: 'turn.started', laneId, turnId, userText: plan.userText, requestAtMs: clock.now() });

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
    if (speech && speech.firstAudioAtMs !== null) {
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

    const built = buildTimeline(
      {
        userDoneAtMs: plan.origin.userDoneAtMs,
        lastVoicedAtMs: plan.origin.lastVoicedAtMs ?? null,
        endpointAtMs: plan.origin.endpointAtMs ?? null,
        transcriptAtMs: plan.origin.transcriptAtMs ?? null,
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
    if (!this.cancelled) this.deps.emit(event);
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

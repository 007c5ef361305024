/**
 * One turn of a lane: the LLM request, streamed to the UI in batches and, when the lane speaks,
 * through the chunker and TTS to the players; then the wait for the listener to hear it, and the
 * turn's timeline. Cancellation ends it quietly, keeping only what the listener heard.
 */
import type { EngineEvent, LaneState } from '../../shared/protocol';
import type { ContextWindowReport, LlmTurnMetrics, TurnTimeline } from '../../shared/metrics';
import type { Clock } from './clock';
import { LlmError } from './providers/llm/errors';
import { TtsError } from './providers/tts/errors';
import type { ChatMessage, LlmProvider } from './providers/llm/types';
import { TokenBatcher } from './token-batcher';
import type { ChunkerPort, TtsPort } from './voice/ports';
import { SpeechOut } from './voice/speech-out';
import { buildTimeline } from './voice/timeline';

/** Where the user's side of the turn came from, engine clock. */
export interface TurnOrigin {
  userText: string;
  /** When the user stopped (last voiced audio, or when the typed message arrived). */
  userDoneMs: number;
  lastVoicedMs?: number;
  endpointMs?: number;
  transcriptMs?: number;
}

export interface PlaybackReport {
  playedMs: number;
  endedMs: number;
  interrupted: boolean;
}

/** The lane's handle on the turn in flight. */
export interface ActiveTurn {
  id: string;
  number: number;
  abort: AbortController;
  done: Promise<void>;
  /** Answer text received so far. */
  received: { text: string };
  /** Emits any tokens still waiting in the batchers. */
  flush: () => void;
  speech: SpeechOut | null;
  playback: { audibleMs: number | null; report: PlaybackReport | null; onReport: () => void };
}

export interface TurnDeps {
  laneId: string;
  clock: Clock;
  provider: LlmProvider;
  /** null: text only. */
  tts: TtsPort | null;
  createChunker: () => ChunkerPort;
  messages: ChatMessage[];
  /** How `messages` was windowed; it goes on the turn's timeline (the overlay shows a trim). */
  context?: ContextWindowReport;
  emit: (event: EngineEvent) => void;
  sendAudio: (samples: Int16Array, sampleRate: number) => void;
  setState: (state: LaneState) => void;
  /** Scripted reply for the simulated backend (scenarios); real providers ignore it. */
  simReply?: string;
}

export interface TurnOutcome {
  /** What goes into history as the assistant's reply (null: nothing was said). */
  assistantText: string | null;
  interrupted: boolean;
  /** The full reply as generated (null when the LLM failed or the turn was cancelled). */
  text: string | null;
  timeline: TurnTimeline;
  /** The first stage failure of the turn, as reported on the lane (cancellation is not one). */
  error?: TurnError;
}

export interface TurnError {
  stage: string;
  code: string;
  message: string;
}

/** How long after the end of its audio a turn waits for a player's report before assuming it played. */
const PLAYBACK_GRACE_MS = 1_500;
/** How long an interrupted turn waits for the player to say how much it played. */
const FLUSH_REPORT_WAIT_MS = 500;

export async function runTurn(turn: ActiveTurn, origin: TurnOrigin, deps: TurnDeps): Promise<TurnOutcome> {
  const { emit, clock, laneId } = deps;
  const turnId = turn.id;
  const signal = turn.abort.signal;
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
  turn.flush = () => {
    reasoning.flush();
    answer.flush();
  };

  let speaking = false;
  let failure: TurnError | undefined;
  const speech = deps.tts
    ? new SpeechOut({
        tts: deps.tts,
        chunker: deps.createChunker(),
        clock,
        signal,
        sendAudio: (samples, sampleRate) => {
          if (!speaking) {
            speaking = true;
            deps.setState('speaking');
          }
          deps.sendAudio(samples, sampleRate);
        },
        onChunk: (index, text) => emit({ type: 'tts.text', laneId, turnId, index, text }),
        onError: (err) => {
          // A cancelled turn ends quietly: what its voice ran into on the way out is no one's news.
          if (signal.aborted) return;
          const event = stageError(laneId, turnId, 'tts', err);
          failure ??= errorOf(event);
          emit(event);
        },
      })
    : null;
  turn.speech = speech;

  deps.setState('thinking');
  emit({ type: 'turn.started', laneId, turnId, userText: origin.userText, requestMs: clock.now() });

  let llm: LlmTurnMetrics | null = null;
  let fullText: string | null = null;
  try {
    const result = await deps.provider.stream({
      messages: deps.messages,
      signal,
      ...(deps.simReply !== undefined ? { simReply: deps.simReply } : {}),
      onEvent: (event) => {
        if (event.kind === 'token') {
          turn.received.text += event.text;
          answer.push(event.text, event.atMs);
          speech?.pushToken(event.text);
        } else {
          reasoning.push(event.text, event.atMs);
          speech?.countReasoningToken();
        }
      },
    });
    turn.flush();
    llm = result.metrics;
    if (!result.aborted) {
      fullText = result.text;
      emit({ type: 'llm.done', laneId, turnId, text: result.text, metrics: result.metrics });
    }
  } catch (err) {
    turn.flush();
    // Cancelled (`turn.cancel`, a new backend, a reset): the old request's failure, however late,
    // never reaches the lane.
    if (!signal.aborted) {
      const event = stageError(laneId, turnId, 'llm', err);
      failure ??= errorOf(event);
      emit(event);
    }
  }

  let playedMs: number | null = null;
  let playbackEndMs: number | null = null;
  if (speech && !signal.aborted) await speech.finish();
  if (speech && speech.firstAudioMs !== null) {
    const report = await waitForPlayback(turn, speech, clock);
    playedMs = report.playedMs;
    playbackEndMs = report.endedMs;
  }

  const interrupted = signal.aborted;
  let assistantText: string | null;
  if (speech && playedMs !== null) {
    assistantText = interrupted ? speech.heardText(playedMs) : (fullText ?? turn.received.text);
  } else {
    assistantText = fullText ?? (turn.received.text === '' ? null : turn.received.text);
  }

  const built = buildTimeline(
    {
      userDoneMs: origin.userDoneMs,
      lastVoicedMs: origin.lastVoicedMs ?? null,
      endpointMs: origin.endpointMs ?? null,
      transcriptMs: origin.transcriptMs ?? null,
      firstChunkMs: speech?.firstChunkMs ?? null,
      firstChunkTokens: speech?.firstChunkTokens ?? null,
      firstAudioMs: speech?.firstAudioMs ?? null,
      audibleMs: turn.playback.audibleMs,
      playbackEndMs,
      speechMs: playedMs,
      interrupted,
    },
    llm,
  );
  const timeline: TurnTimeline = deps.context ? { ...built, context: deps.context } : built;
  emit({ type: 'turn.metrics', laneId, turnId, timeline });
  return {
    assistantText,
    interrupted: interrupted || fullText === null,
    text: interrupted ? null : fullText,
    timeline,
    ...(failure ? { error: failure } : {}),
  };
}

/**
 * Waits until the player reports the end of the turn's audio. Without a player (no window
 * connected, audio not enabled) the turn assumes its audio played in real time from its first
 * frame, so a lane never hangs on a missing report.
 */
async function waitForPlayback(turn: ActiveTurn, speech: SpeechOut, clock: Clock): Promise<PlaybackReport> {
  const playback = turn.playback;
  const firstAudioMs = speech.firstAudioMs ?? clock.now();
  const reported = new Promise<void>((resolve) => {
    if (playback.report) resolve();
    playback.onReport = resolve;
  });
  const aborted = new Promise<void>((resolve) => {
    if (turn.abort.signal.aborted) resolve();
    turn.abort.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const untilMs = (ms: number): Promise<void> =>
    new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - clock.now())));

  // The deadline moves with what is known: audio playing from when it became audible, if a player said so.
  const deadline = (): number =>
    (playback.audibleMs ?? firstAudioMs) + speech.totalAudioMs + PLAYBACK_GRACE_MS;
  while (!playback.report && !turn.abort.signal.aborted && clock.now() < deadline()) {
    await Promise.race([reported, aborted, untilMs(deadline())]);
  }
  if (turn.abort.signal.aborted && !playback.report) {
    await Promise.race([reported, untilMs(clock.now() + FLUSH_REPORT_WAIT_MS)]);
  }
  if (playback.report) return playback.report;
  const now = clock.now();
  const playedMs = turn.abort.signal.aborted
    ? Math.min(speech.totalAudioMs, playback.audibleMs === null ? 0 : now - playback.audibleMs)
    : speech.totalAudioMs;
  return { playedMs, endedMs: now, interrupted: turn.abort.signal.aborted };
}

function errorOf(event: EngineEvent): TurnError | undefined {
  return event.type === 'error'
    ? { stage: event.stage, code: event.code, message: event.message }
    : undefined;
}

function stageError(laneId: string, turnId: string, stage: 'llm' | 'tts', err: unknown): EngineEvent {
  if (err instanceof LlmError) {
    return {
      type: 'error',
      laneId,
      turnId,
      stage,
      // A TtsError carries its own code (model_missing, engine) beside the LLM one it maps to.
      code: err instanceof TtsError ? err.ttsCode : err.code,
      message: err.message,
      recoverable: true,
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  const code =
    typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'failed';
  return { type: 'error', laneId, turnId, stage, code, message, recoverable: true };
}

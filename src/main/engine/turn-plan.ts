/**
 * What a turn is given and what it gives back. A `TurnPlan` is decided before the turn starts — the
 * whole context, the backend, the voice — so a turn never reaches back into its lane; a `TurnResult`
 * is what it said, what the listener heard, and its timeline.
 */
import type { ContextWindowReport, TurnSpeculation, TurnTimeline } from '../../shared/metrics';
import type { ChatMessage, LlmProvider } from './providers/llm/types';
import type { TtsPort } from './voice/ports';

/** Where the user's side of the turn came from; points on the engine clock, ms. */
export interface TurnOrigin {
  /** When the user stopped (last voiced audio, the end of the previous bot's audio, or the typed send). */
  userDoneAtMs: number;
  /** Voice turns only. */
  lastVoicedAtMs?: number;
  endpointAtMs?: number;
  transcriptAtMs?: number;
  /** Voice turns with speculation on: what was started ahead of the endpoint (see TurnSpeculation). */
  speculation?: TurnSpeculation;
}

/** Who says a bot-to-bot reply: the lane's history keeps only the reply, tagged with the speaker. */
export interface TurnSpeaker {
  name: string;
  role: 'user' | 'assistant';
}

export interface TurnPlan {
  /** What the reply answers, shown on `turn.started` (a persona's turn: the other persona's line). */
  userText: string;
  origin: TurnOrigin;
  /** The whole request, system prompt first. */
  messages: ChatMessage[];
  /** How `messages` was windowed (see context-window.ts); it goes on the timeline (the overlay shows a trim). */
  context?: ContextWindowReport;
  provider: LlmProvider;
  /** null: the reply is not spoken. */
  voice: TtsPort | null;
  /** Set for a persona's line in a bot-to-bot run; a user's turn has none. */
  speaker?: TurnSpeaker;
  /** Scripted reply for the simulated backend (scenarios); real providers ignore it. */
  simReply?: string;
}

/** As reported on the lane: the stage that failed first, and why (cancellation is not a failure). */
export interface TurnError {
  stage: string;
  code: string;
  message: string;
}

/** A finished turn. */
export interface TurnResult {
  turnId: string;
  /** What goes into history as the reply: what the listener heard (null: nothing was said). */
  assistantText: string | null;
  /** Cancelled, or the reply did not complete. */
  interrupted: boolean;
  /** The full reply as generated (null when the LLM failed or the turn was cancelled). */
  text: string | null;
  /** null when the turn broke inside the engine before it could be timed. */
  timeline: TurnTimeline | null;
  error?: TurnError;
}

/** A player's report on the end of a turn's audio (the `playback.ended` message). */
export interface PlaybackReport {
  /** Audio heard, ms. */
  playedMs: number;
  /** When playback ended, engine clock. */
  endedAtMs: number;
  interrupted: boolean;
}

/**
 * The recording file: one lane's run against a provider, turn by turn, with every token's time
 * relative to its request, so a replay can reproduce the run offline with its original timing.
 * JSON, validated by zod where it enters (the reader). Keys are never stored: the spec is masked.
 * This folder (format, reader, writer) imports nothing from the LLM providers; they import it: the
 * recording provider and the replay provider live in providers/llm/.
 */
import { z } from 'zod';
import { LlmTurnMetrics } from '../../../shared/metrics';

/** Marks a file as a Dialtone recording (a foreign JSON file lacks it). */
export const RECORDING_FORMAT = 'dialtone.recording';
/** Bumped on any change a reader of the previous version could misread. */
export const RECORDING_VERSION = 1;

const ms = z.number().finite().nonnegative();

/** One streamed piece, as it arrived. */
export const RecordedEvent = z.object({
  kind: z.enum(['token', 'reasoning']),
  text: z.string(),
  /** Request sent → this piece arrived, ms. */
  offsetMs: ms,
});
export type RecordedEvent = z.infer<typeof RecordedEvent>;

/** Synthesized speech of a turn: 16-bit mono PCM, base64, each chunk stamped like the tokens. */
export const RecordedAudio = z.object({
  sampleRate: z.number().int().positive(),
  chunks: z.array(z.object({ offsetMs: ms, pcm16Base64: z.string() })),
});
export type RecordedAudio = z.infer<typeof RecordedAudio>;

/**
 * Recordings made before the metrics named their engine-clock points `…AtMs` stored `requestMs`,
 * `firstTokenMs`, `firstAnswerTokenMs` and `lastTokenMs`: same values, old names, so they are read
 * under the new names and such a file keeps replaying with its measured metrics.
 */
const POINTS_BEFORE_AT_MS: Record<string, keyof LlmTurnMetrics> = {
  requestMs: 'requestAtMs',
  firstTokenMs: 'firstTokenAtMs',
  firstAnswerTokenMs: 'firstAnswerTokenAtMs',
  lastTokenMs: 'lastTokenAtMs',
};

function withPointNames(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const metrics: Record<string, unknown> = { ...raw };
  for (const [old, name] of Object.entries(POINTS_BEFORE_AT_MS)) {
    if (old in metrics && !(name in metrics)) metrics[name] = metrics[old];
    delete metrics[old];
  }
  return metrics;
}

export const RecordedTurn = z.object({
  /** 1-based: the lane's Nth request. */
  index: z.number().int().positive(),
  /** Wall clock when the request was sent (ISO 8601); for people, never for timing. */
  startedAt: z.string(),
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
  /** The scripted reply the simulated backend was given, if any. */
  simReply: z.string().optional(),
  /** In arrival order; offsets never decrease. */
  events: z.array(RecordedEvent),
  /** done: the stream finished; aborted: the turn was cancelled; error: the provider failed. */
  outcome: z.enum(['done', 'aborted', 'error']),
  text: z.string(),
  reasoningText: z.string(),
  finishReason: z.string().nullable(),
  /** Request sent → stream ended (or failed), ms. */
  endOffsetMs: ms,
  /**
   * The metrics as measured live (engine-clock times of the recording session). Token counts and
   * the provider's own timing (`providerTiming`, from Cerebras `time_info` / Groq `x_groq`) are
   * replayed from here.
   */
  metrics: z.preprocess(withPointNames, LlmTurnMetrics.nullable()),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
  audio: RecordedAudio.optional(),
});
export type RecordedTurn = z.infer<typeof RecordedTurn>;

export const Recording = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(RECORDING_VERSION),
  /** Wall clock when recording began (ISO 8601). */
  recordedAt: z.string(),
  provider: z.object({
    /** Preset id of the recorded provider, e.g. `cerebras`. */
    id: z.string(),
    model: z.string(),
    /** e.g. "Cerebras · llama3.1-8b" */
    label: z.string(),
  }),
  /** The lane spec, key masked (`key=***`), without `record=`. */
  spec: z.string(),
  turns: z.array(RecordedTurn),
});
export type Recording = z.infer<typeof Recording>;

/**
 * Whether a file's first bytes are those of a Dialtone recording (the writer puts `format` first;
 * pretty-printing keeps it first). Enough to tell our own file from a foreign one without reading all
 * of a long recording.
 */
export function startsLikeRecording(head: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"dialtone\.rec/.test(head);
}

/** A recording that cannot be read or written; the message names the file and is one line. */
export class RecordingError extends Error {
  override name = 'RecordingError';
}

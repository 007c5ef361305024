/**
 * What a page may send the engine: every message validated here (zod) before the engine sees it.
 * The engine's events are in ./protocol.ts, which re-exports these.
 */
import { z } from 'zod';

/** A lane's id, as both sides write it. */
export const LaneId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'lane ids are 1–32 letters, digits, - or _');

/** Largest JSON message the engine accepts from a client, bytes. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
/** Longest typed user message, characters. */
export const MAX_USER_TEXT_CHARS = 8_000;

// ---- client → engine -------------------------------------------------------------------------

export const ClientMessage = z.discriminatedUnion('type', [
  /** Clock sync: the engine answers with `pong` carrying its clock. */
  z.object({ type: z.literal('ping'), id: z.number().int(), clientAtMs: z.number() }),
  z.object({
    type: z.literal('lane.create'),
    laneId: LaneId.optional(),
    spec: z.string().min(1).max(2_000),
    label: z.string().max(80).optional(),
    /** Speech settings to start with (see `lane.speech`). */
    stt: z.string().min(1).max(2_000).optional(),
    tts: z.string().min(1).max(2_000).optional(),
  }),
  z.object({ type: z.literal('lane.configure'), laneId: LaneId, spec: z.string().min(1).max(2_000) }),
  z.object({ type: z.literal('lane.remove'), laneId: LaneId }),
  /** Forget the conversation (keeps the backend). */
  z.object({ type: z.literal('lane.reset'), laneId: LaneId }),
  z.object({
    type: z.literal('chat.send'),
    laneId: LaneId,
    text: z.string().min(1).max(MAX_USER_TEXT_CHARS),
  }),
  /** Cancel the turn in flight, if any. */
  z.object({ type: z.literal('turn.cancel'), laneId: LaneId }),
  /** Speech providers of a lane, as specs (`espeak:voice=en-us`, `openai-compatible:url=…`, `typed`, `none`). */
  z.object({
    type: z.literal('lane.speech'),
    laneId: LaneId,
    stt: z.string().min(1).max(2_000).optional(),
    /** `none` for text only. */
    tts: z.string().min(1).max(2_000).optional(),
  }),
  /** Microphone mode: off, open mic (VAD decides turns) or push-to-talk. */
  z.object({ type: z.literal('mic.mode'), laneId: LaneId, mode: z.enum(['off', 'open', 'ptt']) }),
  /** Push-to-talk key down/up (engine clock time of the press). */
  z.object({ type: z.literal('mic.ptt'), laneId: LaneId, down: z.boolean(), atMs: z.number() }),
  /**
   * Settings the page keeps in the engine's settings file (they last across restarts): the audio
   * devices, or one lane's playback volume/pan. Answered by nothing; `settings` carries them back.
   */
  z.object({
    type: z.literal('settings.set'),
    devices: z
      .object({
        inputId: z.string().max(512).nullable(),
        inputLabel: z.string().max(256).optional(),
        outputId: z.string().max(512),
        outputLabel: z.string().max(256).optional(),
      })
      .optional(),
    lane: z
      .object({
        laneId: LaneId,
        volume: z.number().min(0).max(1).optional(),
        pan: z.number().min(-1).max(1).optional(),
      })
      .optional(),
  }),
  /** The first sample of a turn's speech became audible at `audibleAtMs` (engine clock). */
  z.object({
    type: z.literal('playback.started'),
    laneId: LaneId,
    turnId: z.string(),
    audibleAtMs: z.number(),
  }),
  /** Playback of a turn ended: all played, or flushed after `playedMs` of audio. */
  z.object({
    type: z.literal('playback.ended'),
    laneId: LaneId,
    turnId: z.string(),
    playedMs: z.number().nonnegative(),
    endedAtMs: z.number(),
    interrupted: z.boolean(),
  }),
  /**
   * Runs a scenario (bot to bot) on 1–4 new lanes at once, started together (a lane with the same
   * id is replaced). `speech: false` is a text race; `live` ignores the script; `playback: 'client'`
   * lets the clients' players time the audio instead of the engine's virtual speaker.
   */
  z.object({
    type: z.literal('scenario.start'),
    scenario: z.string().min(1).max(80),
    lanes: z
      .array(
        z.object({
          laneId: LaneId.optional(),
          spec: z.string().min(1).max(2_000),
          label: z.string().max(80).optional(),
        }),
      )
      .min(1)
      .max(4),
    maxTurns: z.number().int().min(1).max(200).optional(),
    speech: z.boolean().optional(),
    live: z.boolean().optional(),
    playback: z.enum(['virtual', 'client']).optional(),
  }),
  /** Stops the running scenario: every lane finishes as `stopped`. */
  z.object({ type: z.literal('scenario.stop') }),
  /** Asks for the scenarios there are (answered with `scenario.list`, to this client). */
  z.object({ type: z.literal('scenario.list') }),
  /** Asks for the demo scripts there are (answered with `demo.list`, to this client). */
  z.object({ type: z.literal('demo.list') }),
  /**
   * Downloads a model into the cache (resumes a partial one): progress as `model.progress` on `laneId`
   * (else on every lane that was told it needs the model), then `model.state`.
   */
  z.object({ type: z.literal('model.fetch'), modelId: z.string().min(1).max(80), laneId: LaneId.optional() }),
  /** Stops that download; the partial files stay, so a later `model.fetch` resumes. */
  z.object({ type: z.literal('model.cancel'), modelId: z.string().min(1).max(80) }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

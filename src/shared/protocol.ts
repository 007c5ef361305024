/**
 * The engine socket protocol: JSON text messages (binary frames carry audio, in later stages).
 * Every message from a client is parsed with `ClientMessage` where it enters the engine; events the
 * engine sends are described by `EngineEvent` so front ends can validate them the same way.
 */
import { z } from 'zod';
import { LlmTurnMetrics, TurnTimeline } from './metrics';
import { StoppedBy } from './scenario';
import { DemoScriptWire } from './demo-script';

export { ClientMessage, LaneId, MAX_CLIENT_MESSAGE_BYTES, MAX_USER_TEXT_CHARS } from './client-message';
import { LaneId } from './client-message';

// ---- engine → client -------------------------------------------------------------------------

/**
 * The lane's turn-taking state (docs/ARCHITECTURE.md, "A turn's life"): idle = no microphone and no
 * turn in flight.
 */
export const LaneState = z.enum([
  'idle',
  'listening',
  'user-speaking',
  'endpointing',
  'thinking',
  'speaking',
]);
export type LaneState = z.infer<typeof LaneState>;

export const ChatEntry = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  turnId: z.string().optional(),
  /** Bot-to-bot runs: which persona said it. */
  speaker: z.string().optional(),
  /** The reply was cut short (cancelled or failed); `text` holds only what was received. */
  interrupted: z.boolean().optional(),
});
export type ChatEntry = z.infer<typeof ChatEntry>;

export const LaneSnapshot = z.object({
  laneId: LaneId,
  label: z.string(),
  /** The spec as text, any key masked. */
  spec: z.string(),
  provider: z.string(),
  model: z.string(),
  state: LaneState,
  /** Speech settings: STT and TTS specs (keys masked), microphone mode. */
  speech: z.object({
    stt: z.string(),
    tts: z.string(),
    mic: z.enum(['off', 'open', 'ptt']),
  }),
});
export type LaneSnapshot = z.infer<typeof LaneSnapshot>;

/**
 * Most conversation entries (and characters of their text) `hello` carries per lane: a client that
 * (re)connects to a lane thousands of turns long must cost bounded bytes, like every turn does. The
 * renderer keeps as many, so a live page and a reloaded one show the same conversation.
 */
export const HELLO_HISTORY_ENTRIES = 200;
export const HELLO_HISTORY_CHARS = 100_000;

/**
 * A lane in `hello`: its state and the end of its conversation. Afterwards the conversation grows by
 * `history.append`, never through `lane.state`, so what a turn costs a client does not depend on how
 * long the conversation is.
 */
export const LaneHello = LaneSnapshot.extend({
  /** The conversation's last entries since the reset, oldest first (at most `HELLO_HISTORY_ENTRIES`). */
  history: z.array(ChatEntry),
  /** Older entries of the conversation not sent. */
  omittedEntries: z.number().int().nonnegative(),
});
export type LaneHello = z.infer<typeof LaneHello>;

export const ProviderInfo = z.object({
  id: z.string(),
  label: z.string(),
  url: z.string(),
  defaultModel: z.string(),
  /** Whether a key is available in the engine (the key itself never leaves it). */
  keySet: z.boolean(),
  needsKey: z.boolean(),
  keyEnv: z.string().optional(),
});
export type ProviderInfo = z.infer<typeof ProviderInfo>;

/** A batch of streamed tokens (answer or reasoning) of one turn. */
const TokenBatchFields = {
  laneId: LaneId,
  turnId: z.string(),
  text: z.string(),
  /** Tokens in this message. */
  tokens: z.number(),
  /** Tokens of this kind so far in this turn. */
  totalTokens: z.number(),
  /** Engine time of the first and last token in this message. */
  firstAtMs: z.number(),
  lastAtMs: z.number(),
};

/** Finished turns the engine keeps per lane for clients that connect later (the overlay shows as many). */
export const RECENT_TURNS = 10;

/** A finished turn's timeline, exactly as its `turn.metrics` event carried it. */
export const RecentTurn = z.object({ laneId: LaneId, turnId: z.string(), timeline: TurnTimeline });
export type RecentTurn = z.infer<typeof RecentTurn>;

/** A local model the engine knows (speech recognition, voices). */
export const ModelInfo = z.object({
  id: z.string(),
  label: z.string(),
  sizeBytes: z.number(),
  cached: z.boolean(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ErrorStage = z.enum(['protocol', 'lane', 'llm', 'stt', 'tts', 'vad', 'audio', 'engine']);

export const EngineEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    engineAtMs: z.number(),
    lanes: z.array(LaneHello),
    presets: z.array(z.object({ name: z.string(), spec: z.string(), label: z.string() })),
    providers: z.array(ProviderInfo),
    /**
     * Voices for the picker: espeak (bundled) and Kokoro (local neural, downloaded on first pick).
     * `spec` is the lane's TTS spec for the voice.
     */
    voices: z.array(z.object({ id: z.string(), label: z.string(), spec: z.string() })),
    /**
     * Each lane's last `RECENT_TURNS` finished turns since its last reset, oldest first, so a page
     * that (re)connects shows the recent history at once. Fewer than `RECENT_TURNS` for a lane means
     * these are all of its turns since the reset.
     */
    recentTurns: z.array(RecentTurn),
    /** The /overlay address with the read-only viewer token; sent only to control clients. */
    overlayUrl: z.string().optional(),
    /** The local models the engine knows, and whether each is in the cache now. */
    models: z.array(ModelInfo).optional(),
  }),
  z.object({ type: z.literal('pong'), id: z.number(), clientAtMs: z.number(), engineAtMs: z.number() }),
  /** The lane's backend, state or speech settings changed (never its conversation: see `history.append`). */
  z.object({ type: z.literal('lane.state'), lane: LaneSnapshot }),
  /**
   * A turn ended: its entries (the user's line and the reply, or a bot's line), sent once. An entry
   * with the same `turnId` a client already holds (from `hello` mid-turn) is replaced, not repeated.
   */
  z.object({
    type: z.literal('history.append'),
    laneId: LaneId,
    turnId: z.string(),
    entries: z.array(ChatEntry),
  }),
  z.object({ type: z.literal('lane.removed'), laneId: LaneId }),
  /** The providers changed (a key was saved or cleared in the app): the `hello` list, current. */
  z.object({ type: z.literal('providers'), providers: z.array(ProviderInfo) }),
  /** Saved settings for the page, sent after `hello`: devices, lanes' volume/pan, the last scenario. */
  z.object({
    type: z.literal('settings'),
    devices: z
      .object({
        inputId: z.string().nullable(),
        inputLabel: z.string().optional(),
        outputId: z.string(),
        outputLabel: z.string().optional(),
      })
      .nullable(),
    laneAudio: z.record(z.string(), z.object({ volume: z.number().optional(), pan: z.number().optional() })),
    lastScenario: z
      .object({
        scenario: z.string(),
        lanes: z.array(
          z.object({ laneId: LaneId.optional(), spec: z.string(), label: z.string().optional() }),
        ),
        speech: z.boolean().optional(),
      })
      .nullable(),
  }),
  /**
   * The lane was reset: its conversation and recent turns are gone (clients empty its history). `staleTurnIds` are turns from
   * before the reset still winding down; their `turn.metrics` will follow but belong to no history.
   */
  z.object({ type: z.literal('lane.cleared'), laneId: LaneId, staleTurnIds: z.array(z.string()) }),
  z.object({
    type: z.literal('turn.started'),
    laneId: LaneId,
    turnId: z.string(),
    userText: z.string(),
    requestAtMs: z.number(),
    /** Bot-to-bot runs: the persona saying this reply (known before its first word, for captions). */
    speaker: z.string().optional(),
  }),
  /**
   * Answer tokens, coalesced: every token that arrived in the same event-loop turn travels in one
   * message, so 20,000 tok/s is a few hundred messages a second, with no added delay.
   */
  z.object({ type: z.literal('llm.token'), ...TokenBatchFields }),
  /** Hidden reasoning tokens (never spoken), coalesced like `llm.token`. */
  z.object({ type: z.literal('llm.reasoning'), ...TokenBatchFields }),
  z.object({
    type: z.literal('llm.done'),
    laneId: LaneId,
    turnId: z.string(),
    text: z.string(),
    metrics: LlmTurnMetrics,
  }),
  /** Voice activity: speech started / ended at `atMs` (engine clock, frame-accurate). */
  z.object({ type: z.literal('vad.start'), laneId: LaneId, atMs: z.number() }),
  z.object({ type: z.literal('vad.end'), laneId: LaneId, atMs: z.number() }),
  /** Microphone level for the meter, 0–1 (RMS, a few times a second). */
  z.object({ type: z.literal('mic.level'), laneId: LaneId, rms: z.number(), peak: z.number() }),
  z.object({ type: z.literal('stt.partial'), laneId: LaneId, text: z.string() }),
  /** A model a lane needs is downloading (first use). */
  z.object({
    type: z.literal('model.progress'),
    laneId: LaneId,
    modelId: z.string(),
    file: z.string(),
    bytes: z.number(),
    total: z.number(),
  }),
  /**
   * Something the lane's users should know that is not an error, said once per provider. `engine_thread`:
   * the stage's worker did not start, so it runs on the engine's thread and every lane's timings are late.
   */
  z.object({
    type: z.literal('lane.notice'),
    laneId: LaneId,
    stage: z.enum(['stt', 'tts']),
    code: z.literal('engine_thread'),
    message: z.string(),
  }),
  /**
   * The lane's speech-in or voice needs a model that is not in the cache: said once, when the lane
   * gets that spec, before anyone speaks. `model.fetch` downloads it.
   */
  z.object({
    type: z.literal('model.needed'),
    laneId: LaneId,
    stage: z.enum(['stt', 'tts']),
    modelId: z.string(),
    label: z.string(),
    sizeBytes: z.number(),
    message: z.string(),
  }),
  /** A model's place in the cache changed (a download finished, failed or was cancelled). */
  z.object({
    type: z.literal('model.state'),
    modelId: z.string(),
    cached: z.boolean(),
    /** Why it is still missing, when a download failed (not when cancelled). */
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal('stt.final'),
    laneId: LaneId,
    text: z.string(),
    /** Endpoint → transcript, ms. */
    sttMs: z.number(),
  }),
  /** A speakable chunk of the reply went to TTS. */
  z.object({
    type: z.literal('tts.text'),
    laneId: LaneId,
    turnId: z.string(),
    index: z.number().int(),
    text: z.string(),
  }),
  /** The finished turn's timeline (sent when its speech ends, or at once in text mode). */
  z.object({ type: z.literal('turn.metrics'), laneId: LaneId, turnId: z.string(), timeline: TurnTimeline }),
  /** The turn was cancelled; history keeps `heardText`. */
  z.object({ type: z.literal('interrupt'), laneId: LaneId, turnId: z.string(), heardText: z.string() }),
  /** The scenarios that loaded, and one message per file that did not (file: field: problem). */
  z.object({
    type: z.literal('scenario.list'),
    scenarios: z.array(
      z.object({
        name: z.string(),
        title: z.string(),
        description: z.string().optional(),
        personas: z.array(z.object({ name: z.string(), voice: z.string() })),
        builtin: z.boolean(),
      }),
    ),
    errors: z.array(z.string()),
  }),
  /** The demo scripts that loaded, and one message per file that did not (file: step: field: problem). */
  z.object({ type: z.literal('demo.list'), demos: z.array(DemoScriptWire), errors: z.array(z.string()) }),
  /** A scenario run began: its lanes, and any warnings (a persona voice that fell back). */
  z.object({
    type: z.literal('scenario.started'),
    scenario: z.string(),
    title: z.string(),
    personas: z.array(z.object({ name: z.string(), voice: z.string() })),
    lanes: z.array(z.object({ laneId: LaneId, label: z.string(), spec: z.string() })),
    speech: z.boolean(),
    warnings: z.array(z.string()),
  }),
  /** A line of a scenario run was spoken (its audio ended). The opening line has no gap. */
  z.object({
    type: z.literal('scenario.progress'),
    laneId: LaneId,
    index: z.number().int(),
    speaker: z.string(),
    text: z.string(),
    opening: z.boolean(),
    /** End of the previous bot's audio → first audible sample of this line, ms. */
    gapMs: z.number().nullable(),
    timeline: TurnTimeline.nullable(),
  }),
  /** A lane's finish line. */
  z.object({
    type: z.literal('scenario.finished'),
    laneId: LaneId,
    label: z.string(),
    spec: z.string(),
    /** Start → end of the last line's audio, ms. */
    totalMs: z.number(),
    /** Sum of the gaps between bots, ms. */
    deadAirMs: z.number(),
    /** Lines spoken, the opening included. */
    turns: z.number().int(),
    meanGapMs: z.number().nullable(),
    stoppedBy: StoppedBy,
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal('error'),
    laneId: LaneId.optional(),
    turnId: z.string().optional(),
    stage: ErrorStage,
    /** Machine-readable kind, e.g. `auth`, `rate_limited`, `bad_message`. */
    code: z.string(),
    message: z.string(),
    /**
     * Sending the same request again unchanged may succeed (429, 5xx, network, stall, stream cut);
     * false when something must change first (the key, the spec, a model, the lane's STT). Either
     * way the lane and the app keep working: a failure that ends a connection closes the socket.
     */
    retryable: z.boolean(),
    retryAfterMs: z.number().optional(),
  }),
]);
export type EngineEvent = z.infer<typeof EngineEvent>;

/** Query parameter that carries the per-launch secret on the WebSocket URL. */
export const TOKEN_PARAM = 'token';
/** Path of the engine's WebSocket endpoint. */
export const ENGINE_WS_PATH = '/engine';

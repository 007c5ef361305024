/**
 * What the app store keeps per lane, as the components read it, and the rules for what a lane keeps
 * when its speech settings or the cached models change.
 */
import type { ChatEntry, LaneSnapshot, ModelInfo } from '../../../shared/protocol';

export interface PresetInfo {
  name: string;
  spec: string;
  label: string;
}

/** The latest turn of a lane, as far as layout cares. */
export interface TurnView {
  /** Null while the message is on its way and the engine has not started the turn yet. */
  turnId: string | null;
  userText: string;
  status: 'sending' | 'running' | 'done' | 'cancelled' | 'failed';
  /** Reasoning tokens arrived (the reasoning block is shown). */
  hasReasoning: boolean;
}

/** An error as the UI shows it. */
export interface ErrorView {
  /** Local id, for dismissing. */
  id: number;
  stage: string;
  code: string;
  message: string;
  /** Trying the same again unchanged may succeed; false: something must change first. */
  retryable: boolean;
  retryAfterMs?: number;
  turnId?: string;
  /** How many times this same error (stage, code and message) arrived: shown as one entry, "×4". */
  count: number;
}

/**
 * A model the lane's speech-in or voice needs and the cache lacks (`model.needed`), until it is
 * downloaded or the lane picks a stage that needs no model.
 */
export interface ModelNeedView {
  modelId: string;
  label: string;
  sizeBytes: number;
  message: string;
  /** Bytes already on disk when a download stopped (cancelled or failed): the next one resumes there. */
  resumeBytes?: number;
  /** Why the last download failed. */
  error?: string;
}

export type ModelNeeds = Partial<Record<'stt' | 'tts', ModelNeedView>>;

/** A model a lane is downloading (first use of a local STT or TTS model). */
export interface ModelDownloadView {
  modelId: string;
  /** The file being fetched now (path inside the model folder). */
  file: string;
  /** Bytes on disk so far and of the whole model. */
  bytes: number;
  total: number;
}

/**
 * A lane as the UI shows it: its latest `lane.state`, and its conversation as `hello` began it and
 * `history.append` grew it (the last HELLO_HISTORY_ENTRIES entries, like a page that reconnects).
 */
export type LaneView = LaneSnapshot & {
  history: ChatEntry[];
  /** Earlier entries of the conversation not held here. */
  omittedEntries: number;
};

/**
 * What a lane's speech providers said that is not an error (`lane.notice`), by stage: today only that
 * the stage runs on the engine thread, so every lane's timings are late while it runs.
 */
export type SpeechNotices = Partial<Record<'stt' | 'tts', string>>;

/**
 * A notice or a model need speaks of the provider that asked: when the lane's voice or speech input
 * changes, that stage's entry goes (the new provider says again if it must). Nothing when the lane
 * keeps its entries as they are.
 */
export function keptForSpeech<K extends string, T>(
  key: K,
  held: Record<string, Partial<Record<'stt' | 'tts', T>>>,
  known: LaneSnapshot | undefined,
  lane: LaneSnapshot,
): Partial<Record<K, Record<string, Partial<Record<'stt' | 'tts', T>>>>> {
  const mine = held[lane.laneId];
  if (!mine || !known) return {};
  const kept = { ...mine };
  if (known.speech.stt !== lane.speech.stt) delete kept.stt;
  if (known.speech.tts !== lane.speech.tts) delete kept.tts;
  if (kept.stt === mine.stt && kept.tts === mine.tts) return {};
  return { [key]: { ...held, [lane.laneId]: kept } } as Partial<
    Record<K, Record<string, Partial<Record<'stt' | 'tts', T>>>>
  >;
}

/** Needs of lanes still there, for models still not cached. */
export function keptNeeds(
  needs: Record<string, ModelNeeds>,
  lanes: Record<string, unknown>,
  models: ModelInfo[],
): Record<string, ModelNeeds> {
  const cached = new Set(models.filter((m) => m.cached).map((m) => m.id));
  const out: Record<string, ModelNeeds> = {};
  for (const [laneId, held] of Object.entries(needs)) {
    if (!(laneId in lanes)) continue;
    const kept: ModelNeeds = {};
    if (held.stt && !cached.has(held.stt.modelId)) kept.stt = held.stt;
    if (held.tts && !cached.has(held.tts.modelId)) kept.tts = held.tts;
    if (kept.stt || kept.tts) out[laneId] = kept;
  }
  return out;
}

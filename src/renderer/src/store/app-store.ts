/**
 * The app's state outside React (a zustand vanilla store): each lane's snapshot and conversation,
 * providers, presets, the structure of each lane's latest turn, model downloads, errors and the
 * connection. Only engine events and a few UI actions change it; per-token data never passes through
 * here (see stream/live-turns.ts). Which lanes exist, and in what order, is the lane registry's
 * (lane-registry.ts); it calls `forgetLane` when one goes.
 */
import { createStore } from 'zustand/vanilla';
import {
  HELLO_HISTORY_ENTRIES,
  type EngineEvent,
  type ModelInfo,
  type ProviderInfo,
} from '../../../shared/protocol';
import type { ClockSync } from '../clock-sync';
import type { ConnectionInfo } from '../engine-client';
import {
  keptForSpeech,
  keptNeeds,
  type ErrorView,
  type LaneView,
  type ModelDownloadView,
  type ModelNeeds,
  type ModelNeedView,
  type PresetInfo,
  type SpeechNotices,
  type TurnView,
} from './lane-views';

export type * from './lane-views';

/** Key in `errors` for errors not tied to a lane. */
export const ENGINE_ERRORS = '';
/** Errors kept per lane; older ones drop off. */
const MAX_ERRORS = 4;

export interface AppState {
  connection: ConnectionInfo;
  clock: ClockSync | null;
  /** Engine events dropped because they failed validation. */
  invalidEvents: number;
  lastInvalidReason: string | null;
  /** `hello` received on the current socket. */
  ready: boolean;
  presets: PresetInfo[];
  providers: ProviderInfo[];
  /** The voices the engine offers, each with its TTS spec. */
  voices: { id: string; label: string; spec: string }[];
  /** The read-only /overlay address (for OBS), from `hello`; null on a viewer page or an older engine. */
  overlayUrl: string | null;
  lanes: Record<string, LaneView>;
  turns: Record<string, TurnView>;
  errors: Record<string, ErrorView[]>;
  /** Per lane, the model download in progress; absent when none. */
  downloads: Record<string, ModelDownloadView>;
  /** Per lane, the models its speech stages need and the cache lacks; absent when none. */
  modelNeeds: Record<string, ModelNeeds>;
  /** The local models the engine knows (from `hello`), and whether each was cached then. */
  models: ModelInfo[];
  /** Per lane, its speech providers' notices; absent when none. Kept until that provider is replaced. */
  notices: Record<string, SpeechNotices>;
}

export interface AppActions {
  applyEvent(event: EngineEvent): void;
  setConnection(info: ConnectionInfo): void;
  setClock(sync: ClockSync): void;
  noteInvalid(total: number, reason: string): void;
  /** The user sent a message; shown until the engine starts the turn. */
  noteSending(laneId: string, text: string): void;
  /** A local failure to show on a lane (e.g. the socket was closed when sending). */
  addLocalError(laneId: string, code: string, message: string): void;
  dismissError(laneId: string, id: number): void;
  /** The lane is gone (see lane-registry.ts): its snapshot, turn, errors, download and notices go with it. */
  forgetLane(laneId: string): void;
}

export type AppStore = ReturnType<typeof createAppStore>;

let nextErrorId = 1;

export function createAppStore() {
  return createStore<AppState & AppActions>()((set, get) => {
    const setTurn = (laneId: string, turn: TurnView): void =>
      set((s) => ({ turns: { ...s.turns, [laneId]: turn } }));
    const patchTurn = (laneId: string, turnId: string, patch: Partial<TurnView>): void => {
      const turn = get().turns[laneId];
      if (turn?.turnId === turnId) setTurn(laneId, { ...turn, ...patch });
    };
    // The same error again on the same lane is one entry with a count, moved to the end (newest).
    const pushError = (laneId: string, error: Omit<ErrorView, 'id' | 'count'>): void =>
      set((s) => {
        const held = s.errors[laneId] ?? [];
        const same = held.find(
          (e) => e.stage === error.stage && e.code === error.code && e.message === error.message,
        );
        const entry: ErrorView = same
          ? { ...same, ...error, count: same.count + 1 }
          : { ...error, id: nextErrorId++, count: 1 };
        const kept = held.filter((e) => e !== same);
        return { errors: { ...s.errors, [laneId]: [...kept, entry].slice(-MAX_ERRORS) } };
      });

    /** The model's downloads end on every lane; `patch` each lane's need for it (null: drop it). */
    const modelSettled = (modelId: string, patch: (need: ModelNeedView) => ModelNeedView | null): void =>
      set((s) => {
        const downloads = Object.fromEntries(
          Object.entries(s.downloads).filter(([, d]) => d.modelId !== modelId),
        );
        const modelNeeds: Record<string, ModelNeeds> = {};
        for (const [laneId, needs] of Object.entries(s.modelNeeds)) {
          const next: ModelNeeds = {};
          for (const stage of ['stt', 'tts'] as const) {
            const need = needs[stage];
            if (!need) continue;
            const bytes = s.downloads[laneId]?.modelId === modelId ? s.downloads[laneId]?.bytes : undefined;
            const patched =
              need.modelId === modelId ? patch(bytes ? { ...need, resumeBytes: bytes } : need) : need;
            if (patched) next[stage] = patched;
          }
          if (next.stt || next.tts) modelNeeds[laneId] = next;
        }
        return { downloads, modelNeeds };
      });

    const clearDownload = (laneId: string): void => {
      if (!(laneId in get().downloads)) return;
      set((s) => {
        const { [laneId]: _done, ...downloads } = s.downloads;
        return { downloads };
      });
    };

    return {
      connection: { status: 'connecting', attempt: 0 },
      clock: null,
      invalidEvents: 0,
      lastInvalidReason: null,
      ready: false,
      presets: [],
      providers: [],
      voices: [],
      overlayUrl: null,
      lanes: {},
      turns: {},
      errors: {},
      downloads: {},
      modelNeeds: {},
      models: [],
      notices: {},

      applyEvent(event) {
        switch (event.type) {
          case 'hello': {
            const lanes = Object.fromEntries(event.lanes.map((l) => [l.laneId, l]));
            // Turns of lanes missing here go when the lane registry reports those lanes gone.
            const turns = { ...get().turns };
            for (const [laneId, turn] of Object.entries(turns)) {
              const lane = lanes[laneId];
              const lost =
                lane !== undefined &&
                (turn.status === 'running' || turn.status === 'sending') &&
                lane.state === 'idle';
              if (lost) {
                turns[laneId] = { ...turn, status: 'failed' };
                pushError(laneId, {
                  stage: 'engine',
                  code: 'disconnected',
                  message:
                    'the connection to the engine dropped during this turn; the reply may be incomplete',
                  retryable: true,
                });
              }
            }
            set({
              ready: true,
              presets: event.presets,
              providers: event.providers,
              voices: event.voices,
              overlayUrl: event.overlayUrl ?? null,
              lanes,
              turns,
              // A download still running reports again within a fraction of a percent; one that died
              // with an engine restart must not leave a bar behind.
              downloads: {},
              models: event.models ?? [],
              // The engine says a need once: a page that reconnects keeps what it was told, but not for
              // a model cached meanwhile.
              modelNeeds: keptNeeds(get().modelNeeds, lanes, event.models ?? []),
            });
            return;
          }
          case 'lane.state': {
            const lane = event.lane;
            set((s) => {
              const known = s.lanes[lane.laneId];
              const conversation = known
                ? { history: known.history, omittedEntries: known.omittedEntries }
                : { history: [], omittedEntries: 0 };
              return {
                lanes: { ...s.lanes, [lane.laneId]: { ...lane, ...conversation } },
                ...keptForSpeech('notices', s.notices, known, lane),
                ...keptForSpeech('modelNeeds', s.modelNeeds, known, lane),
              };
            });
            return;
          }
          case 'providers':
            set({ providers: event.providers });
            return;
          case 'lane.notice':
            set((s) => ({
              notices: {
                ...s.notices,
                [event.laneId]: { ...s.notices[event.laneId], [event.stage]: event.message },
              },
            }));
            return;
          case 'history.append': {
            const lane = get().lanes[event.laneId];
            if (!lane) return;
            // An entry already here for this turn (from a hello sent mid-turn) is replaced, not repeated.
            const history = [...lane.history.filter((e) => e.turnId !== event.turnId), ...event.entries];
            const over = Math.max(0, history.length - HELLO_HISTORY_ENTRIES);
            const next: LaneView = {
              ...lane,
              history: over > 0 ? history.slice(over) : history,
              omittedEntries: lane.omittedEntries + over,
            };
            set((s) => ({ lanes: { ...s.lanes, [event.laneId]: next } }));
            return;
          }
          case 'lane.cleared': {
            set((s) => {
              const lane = s.lanes[event.laneId];
              if (!lane) return {};
              const turn = s.turns[event.laneId];
              // The reset takes the finished (or cancelled) turn with it; a message on its way stays.
              const dropTurn = turn !== undefined && turn.status !== 'sending' && turn.status !== 'running';
              const { [event.laneId]: _dropped, ...kept } = s.turns;
              return {
                lanes: { ...s.lanes, [event.laneId]: { ...lane, history: [], omittedEntries: 0 } },
                ...(dropTurn ? { turns: kept } : {}),
              };
            });
            return;
          }
          case 'turn.started':
            setTurn(event.laneId, {
              turnId: event.turnId,
              userText: event.userText,
              status: 'running',
              hasReasoning: false,
            });
            // A new turn supersedes the errors of earlier turns on this lane.
            set((s) => ({ errors: { ...s.errors, [event.laneId]: [] } }));
            return;
          case 'llm.reasoning':
            if (get().turns[event.laneId]?.hasReasoning === false) {
              patchTurn(event.laneId, event.turnId, { hasReasoning: true });
            }
            return;
          case 'llm.done':
            patchTurn(event.laneId, event.turnId, { status: 'done' });
            return;
          case 'interrupt':
            patchTurn(event.laneId, event.turnId, { status: 'cancelled' });
            return;
          case 'model.needed': {
            const { laneId, stage, modelId, label, sizeBytes, message } = event;
            set((s) => ({
              modelNeeds: {
                ...s.modelNeeds,
                [laneId]: { ...s.modelNeeds[laneId], [stage]: { modelId, label, sizeBytes, message } },
              },
            }));
            return;
          }
          case 'model.state':
            if (event.cached) modelSettled(event.modelId, () => null);
            else {
              const error = event.error;
              modelSettled(event.modelId, (need) => {
                const { error: _old, ...rest } = need;
                return error === undefined ? rest : { ...rest, error };
              });
            }
            set((s) => ({
              models: s.models.map((m) => (m.id === event.modelId ? { ...m, cached: event.cached } : m)),
            }));
            return;
          case 'model.progress': {
            const { laneId, modelId, file, bytes, total } = event;
            if (bytes >= total) clearDownload(laneId);
            else set((s) => ({ downloads: { ...s.downloads, [laneId]: { modelId, file, bytes, total } } }));
            return;
          }
          case 'error': {
            const laneId = event.laneId ?? ENGINE_ERRORS;
            // The lane already says its speech model is not downloaded, with Download: once is enough
            // (each utterance on an open mic would say it again), and a download under way goes on. A
            // turn's own error (a reply without its voice) still shows, once with a count.
            const speech = event.stage === 'stt' || event.stage === 'tts' ? event.stage : undefined;
            const told = speech !== undefined && get().modelNeeds[laneId]?.[speech] !== undefined;
            if (told && event.turnId === undefined && /\bnot downloaded\b/.test(event.message)) return;
            // A failed download or model load comes without a turn; a turn's own TTS error (e.g. "still
            // downloading") says nothing about the download, which keeps going.
            if ((event.stage === 'tts' || event.stage === 'stt') && event.turnId === undefined) {
              clearDownload(laneId);
            }
            const turn = get().turns[laneId];
            // A voice that failed leaves the reply's text standing: only the reply itself failing fails it.
            if (turn && event.turnId !== undefined && event.stage !== 'tts')
              patchTurn(laneId, event.turnId, { status: 'failed' });
            else if (turn?.status === 'sending') setTurn(laneId, { ...turn, status: 'failed' });
            const { type: _type, laneId: _laneId, ...rest } = event;
            pushError(laneId, rest);
            return;
          }
          default:
            return;
        }
      },

      setConnection(info) {
        set(info.status === 'open' ? { connection: info } : { connection: info, ready: false });
      },

      setClock(sync) {
        set({ clock: sync });
      },

      noteInvalid(total, reason) {
        set({ invalidEvents: total, lastInvalidReason: reason });
      },

      noteSending(laneId, text) {
        setTurn(laneId, { turnId: null, userText: text, status: 'sending', hasReasoning: false });
      },

      addLocalError(laneId, code, message) {
        pushError(laneId, { stage: 'engine', code, message, retryable: true });
      },

      dismissError(laneId, id) {
        set((s) => ({
          errors: { ...s.errors, [laneId]: (s.errors[laneId] ?? []).filter((e) => e.id !== id) },
        }));
      },

      forgetLane(laneId) {
        set((s) => {
          const { [laneId]: _lane, ...lanes } = s.lanes;
          const { [laneId]: _turn, ...turns } = s.turns;
          const { [laneId]: _errors, ...errors } = s.errors;
          const { [laneId]: _download, ...downloads } = s.downloads;
          const { [laneId]: _notices, ...notices } = s.notices;
          const { [laneId]: _needs, ...modelNeeds } = s.modelNeeds;
          return { lanes, turns, errors, downloads, notices, modelNeeds };
        });
      },
    };
  });
}

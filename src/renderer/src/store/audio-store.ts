/**
 * Audio state outside React (a zustand vanilla store, like app-store.ts): the audio context, the
 * microphone and its settings, device lists, and each lane's voice settings, VAD state and
 * transcript. Levels and meters never pass through here: they are painted per animation frame
 * (audio/meters.ts).
 */
import { createStore } from 'zustand/vanilla';
import type { EngineEvent } from '../../../shared/protocol';

export type MicMode = 'off' | 'open' | 'ptt';

/** off: not capturing; lost: the device went away (recovers when one comes back). */
export type MicStatus = 'off' | 'starting' | 'on' | 'denied' | 'no-device' | 'busy' | 'lost' | 'error';

export interface MicSettings {
  /** null: the system default. */
  deviceId: string | null;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

export interface DeviceOption {
  deviceId: string;
  label: string;
}

/** A lane's voice, as the UI shows it. */
export interface LaneVoiceView {
  mode: MicMode;
  /** Push-to-talk key held. */
  pttDown: boolean;
  /** 0–1 (linear gain). */
  volume: number;
  /** −1 (left) … +1 (right). */
  pan: number;
  /** The engine's VAD hears speech. */
  vadSpeech: boolean;
  /** Transcript of the utterance in progress, then the last final one. */
  partial: string;
  final: string;
  sttMs: number | null;
}

export type ContextStatus = AudioContextState | 'unavailable' | 'interrupted';

export interface AudioState {
  context: ContextStatus;
  /** Why audio is unavailable, if it is. */
  contextError: string | null;
  mic: { status: MicStatus; message: string | null };
  micSettings: MicSettings;
  inputs: DeviceOption[];
  outputs: DeviceOption[];
  /** '' = default output. */
  outputId: string;
  /** `AudioContext.setSinkId` exists here. */
  sinkSupported: boolean;
  /** The microphone is mixed into the recording tap. */
  micInMix: boolean;
  lanes: Record<string, LaneVoiceView>;
}

export interface AudioActions {
  patch(patch: Partial<AudioState>): void;
  setMic(status: MicStatus, message?: string | null): void;
  patchLane(laneId: string, patch: Partial<LaneVoiceView>): void;
  /** Engine events that concern voice (VAD, STT, lanes coming). */
  applyEvent(event: EngineEvent): void;
  /** The lane is gone (see lane-registry.ts). */
  forgetLane(laneId: string): void;
}

export type AudioStore = ReturnType<typeof createAudioStore>;

export const DEFAULT_LANE_VOICE: LaneVoiceView = {
  mode: 'off',
  pttDown: false,
  volume: 0.9,
  pan: 0,
  vadSpeech: false,
  partial: '',
  final: '',
  sttMs: null,
};

export function createAudioStore() {
  return createStore<AudioState & AudioActions>()((set, get) => {
    const patchLane = (laneId: string, patch: Partial<LaneVoiceView>): void =>
      set((s) => ({
        lanes: { ...s.lanes, [laneId]: { ...(s.lanes[laneId] ?? DEFAULT_LANE_VOICE), ...patch } },
      }));
    return {
      context: 'suspended',
      contextError: null,
      mic: { status: 'off', message: null },
      micSettings: { deviceId: null, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      inputs: [],
      outputs: [],
      outputId: '',
      sinkSupported: false,
      micInMix: false,
      lanes: {},

      patch: (patch) => set(patch),
      setMic: (status, message = null) => set({ mic: { status, message } }),
      patchLane,

      applyEvent(event) {
        switch (event.type) {
          case 'hello':
            for (const lane of event.lanes) if (!get().lanes[lane.laneId]) patchLane(lane.laneId, {});
            return;
          case 'lane.state':
            if (!get().lanes[event.lane.laneId]) patchLane(event.lane.laneId, {});
            return;
          case 'vad.start':
            patchLane(event.laneId, { vadSpeech: true, partial: '' });
            return;
          case 'vad.end':
            patchLane(event.laneId, { vadSpeech: false });
            return;
          case 'stt.partial':
            patchLane(event.laneId, { partial: event.text });
            return;
          case 'stt.final':
            patchLane(event.laneId, { partial: '', final: event.text, sttMs: event.sttMs });
            return;
          default:
            return;
        }
      },

      forgetLane(laneId) {
        set((s) => {
          const { [laneId]: _gone, ...lanes } = s.lanes;
          return { lanes };
        });
      },
    };
  });
}

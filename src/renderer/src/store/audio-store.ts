/**
 * Audio state outside React (a zustand vanilla store, like app-store.ts): the audio context, the
 * microphone and its settings, device lists, and each lane's voice settings, VAD state and
 * transcript. Levels and meters never pass through here: they are painted per animation frame
 * (audio/meters.ts).
 */
import { createStore } from 'zustand/vanilla';
import type { ClientMessage, EngineEvent } from '../../../shared/protocol';

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

// ---- settings that last (the engine's settings file) ---------------------------------------------

type SettingsEvent = Extract<EngineEvent, { type: 'settings' }>;
type SettingsSet = Extract<ClientMessage, { type: 'settings.set' }>;

/** The device with this id, else the one with this label (ids change with the browser profile). */
export function matchDevice(
  options: readonly DeviceOption[],
  id: string | null,
  label: string | undefined,
): string | null {
  if (!id) return null;
  if (options.some((o) => o.deviceId === id)) return id;
  if (label) return options.find((o) => o.label === label)?.deviceId ?? null;
  return null;
}

/** What applying saved settings changes on the page (the voice controller does this). */
export interface AudioSettingsTarget {
  setVolume(laneId: string, volume: number): void;
  setPan(laneId: string, pan: number): void;
  setOutput(deviceId: string): void;
  setInput(deviceId: string): void;
}

export interface SettingsSync {
  /** Engine events: `hello` opens a connection, its first `settings` is applied. */
  handleEvent(event: EngineEvent): void;
  dispose(): void;
}

/** Changes within this window are sent once. */
export const SETTINGS_SEND_DEBOUNCE_MS = 300;

interface AudioPicture {
  inputId: string | null;
  outputId: string;
  lanes: Record<string, { volume: number; pan: number }>;
}

function pictureOf(s: AudioState): AudioPicture {
  const lanes: AudioPicture['lanes'] = {};
  for (const [laneId, v] of Object.entries(s.lanes)) lanes[laneId] = { volume: v.volume, pan: v.pan };
  return { inputId: s.micSettings.deviceId, outputId: s.outputId, lanes };
}

/**
 * Keeps the page's devices and each lane's volume/pan in the engine's settings: applies the saved
 * ones once per connection (devices matched by id, else by label, as soon as the device lists
 * have them) and sends `settings.set` (debounced) when the presenter changes one.
 */
export function createSettingsSync(
  store: AudioStore,
  target: AudioSettingsTarget,
  send: (message: SettingsSet) => void,
  opts: { debounceMs?: number } = {},
): SettingsSync {
  let applied = false;
  let applying = false;
  let pendingDevices: SettingsEvent['devices'] = null;
  let sent = pictureOf(store.getState());
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Runs `fn` (applying saved settings) without sending back what it changed; other changes still go. */
  const quietly = (fn: () => void): void => {
    const before = pictureOf(store.getState());
    applying = true;
    try {
      fn();
    } finally {
      applying = false;
    }
    const after = pictureOf(store.getState());
    if (after.inputId !== before.inputId) sent.inputId = after.inputId;
    if (after.outputId !== before.outputId) sent.outputId = after.outputId;
    for (const [laneId, v] of Object.entries(after.lanes)) {
      const was = before.lanes[laneId];
      if (!was || was.volume !== v.volume || was.pan !== v.pan) sent.lanes[laneId] = v;
    }
  };

  const applyDevices = (): void => {
    const saved = pendingDevices;
    if (!saved) return;
    const s = store.getState();
    let inputDone = saved.inputId === null;
    let outputDone = saved.outputId === '';
    const input = matchDevice(s.inputs, saved.inputId, saved.inputLabel);
    const output = matchDevice(s.outputs, saved.outputId, saved.outputLabel);
    quietly(() => {
      if (input !== null) {
        inputDone = true;
        if (input !== s.micSettings.deviceId) target.setInput(input);
      }
      if (output !== null) {
        outputDone = true;
        if (output !== s.outputId) target.setOutput(output);
      }
    });
    pendingDevices =
      inputDone && outputDone
        ? null
        : { ...saved, ...(inputDone ? { inputId: null } : {}), ...(outputDone ? { outputId: '' } : {}) };
  };

  const flush = (): void => {
    timer = undefined;
    const s = store.getState();
    const now = pictureOf(s);
    if (now.inputId !== sent.inputId || now.outputId !== sent.outputId) {
      // The presenter chose a device: a saved one not found yet no longer matters.
      pendingDevices = null;
      const inputLabel = s.inputs.find((d) => d.deviceId === now.inputId)?.label;
      const outputLabel = s.outputs.find((d) => d.deviceId === now.outputId)?.label;
      send({
        type: 'settings.set',
        devices: {
          inputId: now.inputId,
          ...(inputLabel ? { inputLabel } : {}),
          outputId: now.outputId,
          ...(outputLabel ? { outputLabel } : {}),
        },
      });
    }
    for (const [laneId, v] of Object.entries(now.lanes)) {
      const before = sent.lanes[laneId];
      // A lane that just appeared has its defaults: nothing to save.
      if (!before || (before.volume === v.volume && before.pan === v.pan)) continue;
      send({ type: 'settings.set', lane: { laneId, volume: v.volume, pan: v.pan } });
    }
    sent = now;
  };

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.inputs !== previous.inputs || state.outputs !== previous.outputs) applyDevices();
    if (applying) return;
    const now = pictureOf(state);
    const changed =
      now.inputId !== sent.inputId ||
      now.outputId !== sent.outputId ||
      Object.entries(now.lanes).some(([laneId, v]) => {
        const before = sent.lanes[laneId];
        return before !== undefined && (before.volume !== v.volume || before.pan !== v.pan);
      });
    if (!changed) {
      // New lanes join the picture without being sent.
      for (const laneId of Object.keys(now.lanes)) sent.lanes[laneId] ??= now.lanes[laneId]!;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(flush, opts.debounceMs ?? SETTINGS_SEND_DEBOUNCE_MS);
  });

  return {
    handleEvent(event) {
      if (event.type === 'hello') {
        applied = false;
        return;
      }
      if (event.type !== 'settings' || applied) return;
      applied = true;
      quietly(() => {
        for (const [laneId, audio] of Object.entries(event.laneAudio)) {
          if (audio.volume !== undefined) target.setVolume(laneId, audio.volume);
          if (audio.pan !== undefined) target.setPan(laneId, audio.pan);
        }
      });
      pendingDevices = event.devices;
      applyDevices();
    },
    dispose() {
      clearTimeout(timer);
      unsubscribe();
    },
  };
}

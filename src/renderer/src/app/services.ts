/**
 * Wires the app together: one engine client feeds both the store (structure) and the live turns
 * (streamed text and counters), and the painter shows the latter once per frame. The lane registry
 * says which lanes exist; everything that keeps something per lane forgets it when the registry
 * reports the lane gone.
 */
import { createContext, useContext } from 'react';
import type { ClientMessage, EngineEvent } from '../../../shared/protocol';
import type { EngineConnection } from '../../../shared/preload-api';
import { VoiceController } from '../audio/voice';
import { MeterPainter } from '../audio/meters';
import { EngineClient } from '../engine-client';
import { createAppStore, type AppStore } from '../store/app-store';
import { createSettingsSync } from '../store/audio-store';
import { createLaneRegistry, type LaneRegistry } from '../store/lane-registry';
import { LiveTurns } from '../stream/live-turns';
import { PaintStats } from '../stream/paint-stats';
import { Painter } from '../stream/painter';
import { createOverlayServices, type OverlayServices } from '../overlay/overlay-services';
import { createRaceStore, type RaceStore } from '../race/race-store';
import { racePans } from '../race/race-actions';
import { createPresenterStore, type PresenterStore } from '../keys/presenter-store';

/** The backend a lane starts with when the engine has none. */
export const DEFAULT_LANE_SPEC = 'fast';
/** Speech a new lane starts with: spoken replies (offline espeak) and local speech recognition. */
export const DEFAULT_LANE_SPEECH = { tts: 'espeak:voice=en-us', stt: 'local:model=whisper-tiny.en' } as const;

export interface Services {
  /** Which lanes exist, in order. */
  lanes: LaneRegistry;
  store: AppStore;
  live: LiveTurns;
  painter: Painter;
  /** The latency-budget overlay: live waterfall, history, what-if, roofline. */
  overlay: OverlayServices;
  stats: PaintStats;
  /** Microphone, speech playback and the mix tap. */
  voice: VoiceController;
  /** Paints audio meters once per animation frame. */
  meters: MeterPainter;
  /** The side-by-side race of a scenario (fed by `scenario.*` events). */
  race: RaceStore;
  /** Demo scripts, the step reached, the key help (keys/). */
  presenter: PresenterStore;
  /** Sends to the engine; a message that cannot be sent becomes a visible error on the lane. */
  send(message: ClientMessage): boolean;
  /** Hears every engine event after the stores (a recording keeps the race's lines with their timelines). */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  start(): void;
  stop(): void;
}

export function createServices(connection: () => Promise<EngineConnection>): Services {
  const lanes = createLaneRegistry();
  const store = createAppStore();
  const stats = new PaintStats();
  let client: EngineClient | null = null;
  let painter: Painter | null = null;
  const live = new LiveTurns(
    () => client?.engineNow() ?? null,
    () => painter?.wake(),
  );
  painter = new Painter(live, () => client?.clock ?? null, stats);
  const overlay = createOverlayServices(store, lanes, () => client?.clock ?? null);
  const voice = new VoiceController({
    send: (message) => {
      overlay.live.applyClientMessage(message);
      return client?.send(message) ?? false;
    },
    sendBinary: (data) => client?.sendBinary(data) ?? false,
    offsetMs: () => client?.clock?.offsetMs ?? null,
  });
  const meters = new MeterPainter();
  // Devices and volume/pan last across restarts (the engine's settings file).
  const settingsSync = createSettingsSync(
    voice.store,
    {
      setVolume: (laneId, volume) => voice.setVolume(laneId, volume),
      setPan: (laneId, pan) => voice.setPan(laneId, pan),
      setOutput: (deviceId) => void voice.setOutput(deviceId),
      setInput: (deviceId) => voice.setMicSettings({ deviceId }),
    },
    (message) => client?.send(message),
  );
  const race = createRaceStore();
  const presenter = createPresenterStore();
  const eventListeners = new Set<(event: EngineEvent) => void>();
  lanes.getState().onRemoved((laneId) => {
    store.getState().forgetLane(laneId);
    live.forgetLane(laneId);
    voice.forgetLane(laneId);
    race.getState().forgetLane(laneId);
  });

  client = new EngineClient(
    {
      onEvent(event) {
        live.apply(event);
        store.getState().applyEvent(event);
        overlay.apply(event);
        voice.handleEvent(event);
        settingsSync.handleEvent(event);
        race.getState().applyEvent(event);
        presenter.getState().applyEvent(event);
        // Last: a new lane appears once every store has it, and a lane that went is forgotten by all.
        lanes.getState().applyEvent(event);
        if (event.type === 'hello') {
          client?.send({ type: 'scenario.list' });
          client?.send({ type: 'demo.list' });
          if (event.lanes.length === 0) {
            client?.send({ type: 'lane.create', spec: DEFAULT_LANE_SPEC, ...DEFAULT_LANE_SPEECH });
          }
        }
        // Race lanes spread across the stereo field: left and right for two.
        if (event.type === 'scenario.started') {
          const pans = racePans(event.lanes.length);
          event.lanes.forEach((l, i) => voice.setPan(l.laneId, pans[i]!));
        }
        for (const listener of eventListeners) listener(event);
      },
      onConnection: (info) => store.getState().setConnection(info),
      onClock: (sync) => store.getState().setClock(sync),
      onInvalid: (total, reason) => store.getState().noteInvalid(total, reason),
      onAudio: (frame) => {
        overlay.live.applyAudio(frame);
        voice.receiveAudio(frame);
      },
    },
    { connection },
  );

  const engine = client;
  return {
    lanes,
    store,
    live,
    painter,
    overlay,
    stats,
    voice,
    meters,
    race,
    presenter,
    send(message) {
      const sent = engine.send(message);
      if (!sent && 'laneId' in message && message.laneId !== undefined) {
        store
          .getState()
          .addLocalError(message.laneId, 'disconnected', 'not sent: the engine is not connected');
      }
      return sent;
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => {
        eventListeners.delete(listener);
      };
    },
    start: () => engine.start(),
    stop: () => engine.stop(),
  };
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error('useServices outside ServicesContext');
  return services;
}

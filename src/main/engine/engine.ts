/**
 * The engine's core: lanes and the messages that drive them, independent of transport. The socket
 * server parses and validates each message, then hands it here; every event goes to every client
 * (the app window, a second window, the overlay page).
 */
import { LANE_PRESETS, LaneSpecError } from '../../shared/lane-spec';
import { encodeAudioFrame, type AudioFrame } from '../../shared/audio-frames';
import type { ClientMessage, EngineEvent } from '../../shared/protocol';
import type { Clock } from './clock';
import { Lane, type ProviderFactory, type SpeechFactories } from './lane';
import { listProviders } from './providers/llm/presets';
import { listScenarios, RaceRequestError, ScenarioRace } from './conversation/race';
import { listDemos } from './scenarios/demos';
import { pickerVoices } from './providers/tts/picker';
import { redactEvent } from './redact-events';
import { errorEvent, errorMessage, ProviderError } from './errors';
import { redact } from '../../shared/redact';
import type { EngineSettings } from './settings';
import { ModelManager } from './models/manager';
import { ModelNotices } from './models/model-notices';

export interface EngineClient {
  send(event: EngineEvent): void;
  /** A binary audio frame (see shared/audio-frames.ts). */
  sendBinary(data: ArrayBuffer): void;
}

export type AudioListener = (frame: AudioFrame) => void;

/** Most lanes one engine holds (side-by-side runs use up to four). */
export const MAX_LANES = 8;

export class Engine {
  private readonly lanes = new Map<string, Lane>();
  private readonly clients = new Set<EngineClient>();
  private laneCount = 0;
  private readonly audioListeners = new Set<AudioListener>();
  /** The scenario run in progress, if any. */
  race: ScenarioRace | null = null;
  /** Microphone frames that named no existing lane. */
  unroutedAudioFrames = 0;
  /** Settings that last across restarts (see settings.ts); null: nothing is saved. */
  settings: EngineSettings | null = null;

  constructor(
    private readonly deps: {
      clock: Clock;
      createProvider: ProviderFactory;
      speech: SpeechFactories;
      env: Record<string, string | undefined>;
    },
  ) {
    this.modelNotices = new ModelNotices(new ModelManager({ env: deps.env }), this.broadcast);
  }

  /** Missing speech models: said once per lane, fetched on request (`model.fetch`). */
  private readonly modelNotices: ModelNotices;

  connect(client: EngineClient): () => void {
    this.clients.add(client);
    client.send({
      type: 'hello',
      engineAtMs: this.deps.clock.now(),
      // Each lane's state and the end of its conversation (bounded: see HELLO_HISTORY_ENTRIES); the
      // conversation then grows by `history.append`, so a reconnect resyncs through this hello alone.
      lanes: [...this.lanes.values()].map((lane) => lane.helloSnapshot()),
      presets: Object.entries(LANE_PRESETS).map(([name, p]) => ({ name, spec: p.spec, label: p.label })),
      providers: listProviders(this.deps.env),
      voices: pickerVoices(),
      recentTurns: [...this.lanes.values()].flatMap((lane) => lane.recentTurns()),
      models: this.modelNotices.list(),
    });
    this.modelNotices.greet((event) => client.send(redactEvent(event)));
    if (this.settings) client.send(this.settings.event());
    return () => this.clients.delete(client);
  }

  /** A key was saved or cleared: every page gets the providers list again (which have a key). */
  providersChanged(): void {
    this.broadcast({ type: 'providers', providers: listProviders(this.deps.env) });
  }

  /** Every event to every client, through the one redaction path (no key or URL password goes out). */
  broadcast = (event: EngineEvent): void => {
    const safe = redactEvent(event);
    for (const client of this.clients) client.send(safe);
    this.settings?.observe(this, safe);
    if (safe.type === 'lane.state') this.modelNotices.laneChanged(safe.lane);
    else if (safe.type === 'lane.removed') this.modelNotices.laneRemoved(safe.laneId);
  };

  /** Every frame of speech sent to the clients (turn audio for playback). */
  broadcastAudio = (frame: AudioFrame): void => {
    const data = encodeAudioFrame(frame);
    for (const client of this.clients) client.sendBinary(data);
  };

  /** Microphone audio from a client, already validated. Goes to its lane and to any listeners. */
  handleAudio(frame: AudioFrame): void {
    for (const listener of this.audioListeners) listener(frame);
    const lane = this.lanes.get(frame.laneId);
    // Frames for a lane just removed are expected for a moment; they are counted, not reported.
    if (lane) lane.pushAudio(frame);
    else this.unroutedAudioFrames += 1;
  }

  /** Taps incoming microphone frames (diagnostics, tests). Returns the unsubscribe function. */
  onAudioIn(listener: AudioListener): () => void {
    this.audioListeners.add(listener);
    return () => this.audioListeners.delete(listener);
  }

  laneIds(): string[] {
    return [...this.lanes.keys()];
  }

  /** Handles one validated message. Problems become `error` events for that client; nothing throws. */
  handle(client: EngineClient, msg: ClientMessage): void {
    try {
      this.dispatch(client, msg);
    } catch (err) {
      this.refuse(client, msg, err);
    }
  }

  /** Reports a refused or failed request to its sender, redacted: the message may quote a spec. */
  private refuse(client: EngineClient, msg: ClientMessage, err: unknown): void {
    const laneId = 'laneId' in msg ? msg.laneId : undefined;
    if (err instanceof LaneSpecError || err instanceof RequestError) {
      // The message names what to change: the same request sent again is refused again.
      const code = err instanceof RequestError ? err.code : 'bad_spec';
      const refused = new ProviderError('lane', code, err.message, false);
      client.send(redactEvent(errorEvent(refused, { laneId, stage: 'lane' })));
    } else {
      client.send(redactEvent(errorEvent(err, { laneId, stage: 'engine' })));
    }
  }

  private dispatch(client: EngineClient, msg: ClientMessage): void {
    switch (msg.type) {
      case 'ping':
        client.send({
          type: 'pong',
          id: msg.id,
          clientAtMs: msg.clientAtMs,
          engineAtMs: this.deps.clock.now(),
        });
        return;
      case 'lane.create': {
        const laneId = msg.laneId ?? this.nextLaneId();
        if (this.lanes.has(laneId)) throw new RequestError('lane_exists', `lane ${laneId} exists`);
        if (this.lanes.size >= MAX_LANES) {
          throw new RequestError('too_many_lanes', `at most ${MAX_LANES} lanes`);
        }
        // A label is shown to every client and kept for later ones (hello): no secret in it.
        const lane = new Lane(laneId, redact(msg.label ?? laneId), msg.spec, {
          clock: this.deps.clock,
          createProvider: this.deps.createProvider,
          speech: this.deps.speech,
          emit: this.broadcast,
          emitAudio: this.broadcastAudio,
        });
        if (msg.stt !== undefined || msg.tts !== undefined)
          lane.configureSpeech({ stt: msg.stt, tts: msg.tts });
        this.lanes.set(laneId, lane);
        this.broadcast({ type: 'lane.state', lane: lane.snapshot() });
        return;
      }
      case 'lane.configure':
        this.lane(msg.laneId).configure(msg.spec);
        return;
      case 'lane.reset':
        this.lane(msg.laneId).reset();
        return;
      case 'lane.remove': {
        const lane = this.lane(msg.laneId);
        this.lanes.delete(msg.laneId);
        void lane.close();
        this.broadcast({ type: 'lane.removed', laneId: msg.laneId });
        return;
      }
      case 'chat.send':
        void this.lane(msg.laneId).send(msg.text);
        return;
      case 'turn.cancel':
        this.lane(msg.laneId).cancel();
        return;
      case 'lane.speech':
        this.lane(msg.laneId).configureSpeech({ stt: msg.stt, tts: msg.tts });
        return;
      case 'mic.mode': {
        const laneId = msg.laneId;
        this.lane(laneId)
          .setMicMode(msg.mode)
          .catch((err: unknown) => {
            // The VAD would not load (a ProviderError says why); anything else is the same failure to the user.
            const failure =
              err instanceof ProviderError
                ? err
                : new ProviderError('vad', 'vad_unavailable', errorMessage(err), false, { cause: err });
            client.send(redactEvent(errorEvent(failure, { laneId, stage: 'vad' })));
          });
        return;
      }
      case 'mic.ptt':
        this.lane(msg.laneId).ptt(msg.down, msg.atMs);
        return;
      case 'playback.started':
        this.lane(msg.laneId).playbackStarted(msg.turnId, msg.audibleAtMs);
        return;
      case 'playback.ended':
        this.lane(msg.laneId).playbackEnded(msg.turnId, msg);
        return;
      case 'scenario.start':
        this.startScenario(client, msg);
        return;
      case 'scenario.stop':
        this.race?.stop();
        return;
      case 'scenario.list':
        client.send(listScenarios(this.deps.env));
        return;
      case 'settings.set':
        this.settings?.apply(msg);
        return;
      case 'demo.list':
        client.send(listDemos(this.deps.env));
        return;
      case 'model.fetch':
        this.modelNotices.fetch(msg.modelId, msg.laneId);
        return;
      case 'model.cancel':
        this.modelNotices.cancel(msg.modelId);
        return;
    }
  }

  /** The lane, or an error naming it. */
  lane(laneId: string): Lane {
    const lane = this.lanes.get(laneId);
    if (!lane) throw new RequestError('no_lane', `no lane "${laneId}"`);
    return lane;
  }

  /**
   * A new race replaces the one running; its lanes replace lanes with the same ids. The old race is
   * stopped and its lanes report their (stopped) finish first, so no client mistakes them for the new race's.
   */
  private startScenario(client: EngineClient, msg: Extract<ClientMessage, { type: 'scenario.start' }>): void {
    const previous = this.race;
    if (previous) {
      previous.stop();
      this.race = null;
      void previous.done
        .catch(() => {})
        .then(() => {
          try {
            this.createRace(msg);
          } catch (err) {
            this.refuse(client, msg, err);
          }
        });
      return;
    }
    this.createRace(msg);
  }

  private createRace(msg: Extract<ClientMessage, { type: 'scenario.start' }>): void {
    try {
      this.race = new ScenarioRace(msg, {
        clock: this.deps.clock,
        env: this.deps.env,
        createProvider: this.deps.createProvider,
        speech: this.deps.speech,
        emit: this.broadcast,
        emitAudio: this.broadcastAudio,
        addLane: (lane) => {
          const old = this.lanes.get(lane.id);
          if (old) void old.close();
          else if (this.lanes.size >= MAX_LANES)
            throw new RequestError('too_many_lanes', `at most ${MAX_LANES} lanes`);
          this.lanes.set(lane.id, lane);
          this.broadcast({ type: 'lane.state', lane: lane.snapshot() });
        },
      });
    } catch (err) {
      if (err instanceof RaceRequestError) throw new RequestError(err.code, err.message);
      throw err;
    }
    this.holdOthers(this.race);
  }

  /**
   * A race replaces the stage's lanes: the lanes outside it are held (turn stopped, microphone not
   * heard) until it ends, and released then unless a newer race has taken over.
   */
  private holdOthers(race: ScenarioRace): void {
    const racing = new Set(race.laneIds);
    const others = [...this.lanes.values()].filter((lane) => !racing.has(lane.id));
    for (const lane of others) lane.hold(true);
    void race.done
      .catch(() => {})
      .then(() => {
        if (this.race !== race && this.race !== null) return;
        for (const lane of others) lane.hold(false);
      });
  }

  async close(): Promise<void> {
    this.modelNotices.close();
    this.race?.stop();
    await Promise.all([...this.lanes.values()].map((lane) => lane.close()));
    this.lanes.clear();
  }

  private nextLaneId(): string {
    do this.laneCount += 1;
    while (this.lanes.has(`lane-${this.laneCount}`));
    return `lane-${this.laneCount}`;
  }
}

/** A request the engine refuses (unknown lane, duplicate id, …); reported to the sender. */
class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

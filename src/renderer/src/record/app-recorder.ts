/**
 * Recording from the app (key V, the Record buttons): the same picture and sound `render` records —
 * the video composition drawn on an offscreen canvas from the app's stores, and the mix from the
 * audio tap (the microphone too when "mic in mix" is on) — while the presenter runs the app as
 * usual. On stop it writes render's set of files (record-files.ts) through save-recording.ts.
 * The composition draws only while recording: nothing of this costs CPU otherwise.
 */
import type { EngineEvent } from '../../../shared/protocol';
import { encodeStereoWavBytes } from '../../../shared/wav-stereo';
import { makeSeekableWith, type EbmlLibrary } from '../../../shared/webm-seekable-core';
import type { Services } from '../app/services';
import { stageLanes } from '../stage/StageView';
import { Composition } from '../video/composition';
import type { TitleLane } from '../video/frame-model';
import { MixRecorder, pickMimeType, type Recording } from '../video/recorder';
import { appVideoSources } from '../video/app-sources';
import { RECORDING_WAV_RATE, recordingBaseName, recordingFiles } from './record-files';
import { createRecordStore, type RecordStore } from './record-store';
import { saveRecording } from './save-recording';

/** The recorded picture: 1080p, what a video editor and a projector both take. */
const WIDTH = 1920;
const HEIGHT = 1080;
/** How long a start waits for the audio to run (a first key press also unlocks it). */
const AUDIO_START_TIMEOUT_MS = 3_000;

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** The mix at the WAV's rate: the browser's own resampler, when the context runs at another rate. */
async function at48k(rec: Recording): Promise<[Float32Array, Float32Array]> {
  if (rec.sampleRate === RECORDING_WAV_RATE || rec.left.length === 0) return [rec.left, rec.right];
  const frames = Math.ceil((rec.left.length * RECORDING_WAV_RATE) / rec.sampleRate);
  const offline = new OfflineAudioContext(2, frames, RECORDING_WAV_RATE);
  const buffer = new AudioBuffer({
    numberOfChannels: 2,
    length: rec.left.length,
    sampleRate: rec.sampleRate,
  });
  buffer.copyToChannel(rec.left as Float32Array<ArrayBuffer>, 0);
  buffer.copyToChannel(rec.right as Float32Array<ArrayBuffer>, 1);
  const source = new AudioBufferSourceNode(offline, { buffer });
  source.connect(offline.destination);
  source.start();
  const out = await offline.startRendering();
  return [out.getChannelData(0), out.getChannelData(1)];
}

/** ts-ebml's browser bundle, loaded when the first recording is saved (it is not small). */
async function loadEbml(): Promise<EbmlLibrary> {
  const module = (await import('ts-ebml/dist/EBML.js')) as EbmlLibrary & { default?: EbmlLibrary };
  return module.default ?? module;
}

interface Session {
  composition: Composition;
  recorder: MixRecorder;
  events: EngineEvent[];
  stopListening: () => void;
  startAtEngineMs: number;
  startedAt: Date;
}

export class AppRecorder {
  readonly store: RecordStore = createRecordStore();
  private session: Session | null = null;

  constructor(private readonly services: Services) {}

  /** Key V and the buttons: start, or stop and save. */
  toggle(): void {
    const { phase } = this.store.getState();
    if (phase === 'idle') void this.start();
    else if (phase === 'recording') void this.stop();
  }

  async start(): Promise<void> {
    if (this.store.getState().phase !== 'idle') return;
    this.store.setState({ phase: 'starting', error: null, saved: null });
    try {
      this.session = await this.open();
      this.store.setState({ phase: 'recording', startedAtPerfMs: performance.now() });
    } catch (err) {
      this.store.setState({
        phase: 'idle',
        startedAtPerfMs: null,
        error: `Not recording: ${errorText(err)}`,
      });
    }
  }

  async stop(): Promise<void> {
    const session = this.session;
    if (!session || this.store.getState().phase !== 'recording') return;
    this.session = null;
    this.store.setState({ phase: 'saving' });
    try {
      const recording = await session.recorder.stop();
      session.composition.stop();
      session.stopListening();
      const [left, right] = await at48k(recording);
      const webm = makeSeekableWith(await loadEbml(), new Uint8Array(await recording.webm.arrayBuffer()));
      const race = this.services.race.getState();
      const files = recordingFiles(
        recordingBaseName(session.startedAt),
        { webm, wav: encodeStereoWavBytes(left, right, RECORDING_WAV_RATE) },
        {
          events: session.events,
          scenario: race.scenario ?? race.selected,
          lanes: race.laneOrder.map((laneId) => ({ laneId, label: race.lanes[laneId]?.label ?? laneId })),
          startAtEngineMs: session.startAtEngineMs,
        },
      );
      const saved = await saveRecording(files);
      this.store.setState({ phase: 'idle', startedAtPerfMs: null, saved });
    } catch (err) {
      session.composition.stop();
      session.stopListening();
      this.store.setState({
        phase: 'idle',
        startedAtPerfMs: null,
        error: `The recording was not saved: ${errorText(err)}`,
      });
    }
  }

  private async open(): Promise<Session> {
    const { services } = this;
    const system = services.voice.system;
    if (!system)
      throw new Error(services.voice.store.getState().contextError ?? 'audio is unavailable in this browser');
    services.voice.enableAudio();
    await system.ready;
    const deadline = performance.now() + AUDIO_START_TIMEOUT_MS;
    while (system.ctx.state !== 'running') {
      if (performance.now() > deadline) throw new Error('the audio is off: click "Enable audio" first');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const offsetMs = services.voice.offsetMs();
    if (offsetMs === null) throw new Error('the engine clock is not synced yet (is the engine connected?)');

    const events: EngineEvent[] = [];
    const sources = appVideoSources(services, () => ({ title: this.title(), titleLanes: this.titleLanes() }));
    const stopEvents = services.onEvent((event) => {
      if (event.type.startsWith('scenario.')) events.push(event);
    });
    const stopListening = (): void => {
      sources.stop();
      stopEvents();
    };
    const composition = new Composition({ width: WIDTH, height: HEIGHT, burnCaptions: false }, sources.frame);
    const recorder = new MixRecorder(system, composition.canvas, {
      mimeType: pickMimeType(),
      videoBitsPerSecond: Math.round((WIDTH * HEIGHT * 30) / 12),
    });
    composition.start();
    try {
      await recorder.start();
      const startAtPerfMs = await recorder.startedAtPerfMs();
      return {
        composition,
        recorder,
        events,
        stopListening,
        startAtEngineMs: startAtPerfMs + (services.voice.offsetMs() ?? offsetMs),
        startedAt: new Date(),
      };
    } catch (err) {
      composition.stop();
      stopListening();
      throw err;
    }
  }

  /** The title card's title: the race's, else the scenario picked for the next one. */
  private title(): string {
    const race = this.services.race.getState();
    return race.title ?? race.scenarios.find((s) => s.name === race.selected)?.title ?? 'Dialtone';
  }

  /** The title card's lanes: the lanes on stage. */
  private titleLanes(): TitleLane[] {
    const { lanes, store, race } = this.services;
    const views = store.getState().lanes;
    return stageLanes(lanes.getState().laneOrder, race.getState().laneOrder).map((id) => ({
      label: views[id]?.label ?? id,
      spec: views[id]?.spec ?? '',
    }));
  }
}

const recorders = new WeakMap<Services, AppRecorder>();

/** The app's one recorder (created on first use). */
export function appRecorder(services: Services): AppRecorder {
  let recorder = recorders.get(services);
  if (!recorder) {
    recorder = new AppRecorder(services);
    recorders.set(services, recorder);
  }
  return recorder;
}

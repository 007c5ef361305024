/**
 * The renderer's voice controller: owns the audio system, the microphone and one LaneVoice per
 * lane; routes microphone frames to the lanes whose mic is on, TTS audio to their voices, and
 * reports playback to the engine on the engine clock. UI actions land here; state goes to the
 * audio store.
 *
 * Microphone frames go to every lane in `open` or `ptt` mode; in `ptt` mode they keep flowing and
 * `mic.ptt` (key down/up with its engine time) tells the engine which part is the turn, so speech
 * begun just before the key press can still be kept as pre-roll.
 */
import { AUDIO_IN, TTS_AUDIO, encodeAudioFrame, type AudioFrame } from '../../../shared/audio-frames';
import type { ClientMessage, EngineEvent } from '../../../shared/protocol';
import { createAudioStore, DEFAULT_LANE_VOICE, type MicMode, type MicSettings } from '../store/audio-store';
import { AudioSystem } from './audio-system';
import { MicCapture, type CapturedFrame } from './capture';
import { CAPTURE_RATE } from './capture-protocol';
import { LaneVoice } from './playback';

export interface VoiceLink {
  send(message: ClientMessage): boolean;
  sendBinary(data: ArrayBuffer): boolean;
  /** Engine clock minus page clock, ms; null before the first sync. */
  offsetMs(): number | null;
}

/** Something the tests and diagnostics can see (window.__dialtoneAudio). */
export interface VoiceLogEntry {
  type: 'started' | 'ended' | 'interrupt' | 'underrun' | 'audio' | 'vad.start' | 'vad.end';
  laneId: string;
  turn: number;
  perfMs: number;
  audibleMs?: number;
  playedMs?: number;
  endedMs?: number;
  interrupted?: boolean;
  /** VAD events: the engine's time of the speech edge. */
  atMs?: number;
}

const LOG_KEPT = 200;

/** The turn number in a turn id (`${laneId}-${turn}`), or null. */
function turnNumber(laneId: string, turnId: string): number | null {
  if (!turnId.startsWith(`${laneId}-`)) return null;
  const turn = Number(turnId.slice(laneId.length + 1));
  return Number.isInteger(turn) ? turn : null;
}

/** Focus is somewhere Space types a character (push-to-talk must not steal it). */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  ) {
    return true;
  }
  return (
    target instanceof HTMLInputElement && !['checkbox', 'radio', 'range', 'button'].includes(target.type)
  );
}

export class VoiceController {
  readonly store = createAudioStore();
  readonly system: AudioSystem | null;
  readonly mic: MicCapture | null;
  private readonly voices = new Map<string, LaneVoice>();
  private readonly seq = new Map<string, number>();
  private pending: AudioFrame[] = [];
  private ready = false;
  private pttHeld = false;
  readonly log: VoiceLogEntry[] = [];
  /** Capture frames sent, and the engine-clock time of the last one (diagnostics). */
  framesSent = 0;

  constructor(private readonly link: VoiceLink) {
    let system: AudioSystem | null = null;
    try {
      system = new AudioSystem();
    } catch (err) {
      this.store.getState().patch({
        context: 'unavailable',
        contextError: `Audio is unavailable: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    this.system = system;
    this.mic = system
      ? new MicCapture(system, {
          onFrame: (f) => this.sendFrame(f),
          onStatus: (status, message) => this.store.getState().setMic(status, message),
          onDevices: (inputs, outputs) => this.store.getState().patch({ inputs, outputs }),
        })
      : null;
    if (system) {
      const ctx = system.ctx;
      const syncState = (): void => this.store.getState().patch({ context: ctx.state });
      ctx.addEventListener('statechange', syncState);
      syncState();
      this.store.getState().patch({ sinkSupported: system.sinkSupported });
      system.ready.then(
        () => {
          this.ready = true;
          for (const laneId of Object.keys(this.store.getState().lanes)) this.voice(laneId);
          const queued = this.pending;
          this.pending = [];
          for (const frame of queued) this.receiveAudio(frame);
        },
        (err: unknown) =>
          this.store.getState().patch({
            context: 'unavailable',
            contextError: `Audio worklets failed to load: ${err instanceof Error ? err.message : String(err)}`,
          }),
      );
      void this.mic?.refreshDevices().catch(() => {});
    }
    window.addEventListener('keydown', (e) => this.onKey(e, true));
    window.addEventListener('keyup', (e) => this.onKey(e, false));
    window.addEventListener('blur', () => this.setPtt(false));
  }

  /** Resume the audio context; call from a user gesture. */
  enableAudio(): void {
    void this.system?.resume();
  }

  // ---- engine → here -------------------------------------------------------------------------

  handleEvent(event: EngineEvent): void {
    this.store.getState().applyEvent(event);
    switch (event.type) {
      case 'hello':
        // A new socket (engine restart or reconnect): tell it the mic modes again.
        for (const [laneId, view] of Object.entries(this.store.getState().lanes)) {
          if (view.mode !== 'off' && event.lanes.some((l) => l.laneId === laneId)) {
            this.link.send({ type: 'mic.mode', laneId, mode: view.mode });
          }
        }
        return;
      case 'turn.metrics': {
        // Sent once the turn is over: no more audio will come for it.
        const turn = turnNumber(event.laneId, event.turnId);
        if (turn !== null) this.voices.get(event.laneId)?.finish(turn);
        return;
      }
      case 'interrupt': {
        const turn = turnNumber(event.laneId, event.turnId) ?? NaN;
        this.note({ type: 'interrupt', laneId: event.laneId, turn, perfMs: performance.now() });
        if (Number.isInteger(turn)) this.voices.get(event.laneId)?.interrupt(turn);
        return;
      }
      case 'vad.start':
      case 'vad.end':
        this.note({
          type: event.type,
          laneId: event.laneId,
          turn: -1,
          perfMs: performance.now(),
          atMs: event.atMs,
        });
        return;
      case 'lane.state':
        // Ready before the first word: creating the worklet node costs a few ms on a busy machine.
        if (this.ready) this.voice(event.lane.laneId);
        return;
      case 'lane.removed':
        this.voices.get(event.laneId)?.dispose();
        this.voices.delete(event.laneId);
        this.seq.delete(event.laneId);
        this.syncCapture();
        return;
      default:
        return;
    }
  }

  receiveAudio(frame: AudioFrame): void {
    if (frame.kind !== TTS_AUDIO || !this.system) return;
    if (!this.ready) {
      this.pending.push(frame);
      return;
    }
    this.note({ type: 'audio', laneId: frame.laneId, turn: frame.turn, perfMs: performance.now() });
    this.voice(frame.laneId).push(frame);
  }

  // ---- UI actions ----------------------------------------------------------------------------

  setMode(laneId: string, mode: MicMode): void {
    this.enableAudio();
    this.store.getState().patchLane(laneId, { mode, pttDown: false });
    this.link.send({ type: 'mic.mode', laneId, mode });
    this.syncCapture();
  }

  setMicSettings(patch: Partial<MicSettings>): void {
    const settings = { ...this.store.getState().micSettings, ...patch };
    this.store.getState().patch({ micSettings: settings });
    if (this.anyMicOn()) void this.mic?.start(settings);
  }

  setVolume(laneId: string, volume: number): void {
    this.store.getState().patchLane(laneId, { volume });
    this.voices.get(laneId)?.setVolume(volume);
  }

  setPan(laneId: string, pan: number): void {
    this.store.getState().patchLane(laneId, { pan });
    this.voices.get(laneId)?.setPan(pan);
  }

  setMicInMix(on: boolean): void {
    this.store.getState().patch({ micInMix: on });
    this.system?.setMicInMix(on);
  }

  async setOutput(deviceId: string): Promise<void> {
    const previous = this.store.getState().outputId;
    this.store.getState().patch({ outputId: deviceId });
    try {
      await this.system?.setSink(deviceId);
    } catch (err) {
      this.store.getState().patch({
        outputId: previous,
        contextError: `Could not switch the output: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }

  /** Engine clock minus page clock, ms; null before the first sync. */
  offsetMs(): number | null {
    return this.link.offsetMs();
  }

  /** A voice's output level (meters), 0–1; 0 when it has none yet. */
  voiceLevel(laneId: string): number {
    return this.voices.get(laneId)?.level() ?? 0;
  }

  underruns(laneId: string): number {
    return this.voices.get(laneId)?.underruns ?? 0;
  }

  // ---- internals -----------------------------------------------------------------------------

  private anyMicOn(): boolean {
    return Object.values(this.store.getState().lanes).some((l) => l.mode !== 'off');
  }

  private syncCapture(): void {
    if (!this.mic) return;
    if (this.anyMicOn() && !this.mic.running && this.store.getState().mic.status !== 'starting') {
      void this.mic.start(this.store.getState().micSettings);
    } else if (!this.anyMicOn() && this.store.getState().mic.status !== 'off') this.mic.stop();
  }

  private sendFrame(frame: CapturedFrame): void {
    const offset = this.link.offsetMs();
    if (offset === null) return;
    for (const [laneId, view] of Object.entries(this.store.getState().lanes)) {
      if (view.mode === 'off') continue;
      const seq = this.seq.get(laneId) ?? 0;
      this.seq.set(laneId, seq + 1);
      const data = encodeAudioFrame({
        kind: AUDIO_IN,
        laneId,
        seq,
        turn: 0,
        timeMs: frame.capturedPerfMs + offset,
        sampleRate: CAPTURE_RATE,
        samples: frame.samples,
      });
      if (this.link.sendBinary(data)) this.framesSent += 1;
    }
  }

  private onKey(e: KeyboardEvent, down: boolean): void {
    if (e.code !== 'Space' || isTextField(e.target)) return;
    const lanes = Object.values(this.store.getState().lanes);
    if (!lanes.some((l) => l.mode === 'ptt')) return;
    e.preventDefault();
    if (e.repeat) return;
    this.setPtt(down);
  }

  private setPtt(down: boolean): void {
    if (this.pttHeld === down) return;
    this.pttHeld = down;
    const offset = this.link.offsetMs();
    const atMs = performance.now() + (offset ?? 0);
    for (const [laneId, view] of Object.entries(this.store.getState().lanes)) {
      if (view.mode !== 'ptt') continue;
      this.store.getState().patchLane(laneId, { pttDown: down });
      this.link.send({ type: 'mic.ptt', laneId, down, atMs });
    }
  }

  private voice(laneId: string): LaneVoice {
    let voice = this.voices.get(laneId);
    if (voice) return voice;
    const view = this.store.getState().lanes[laneId] ?? DEFAULT_LANE_VOICE;
    const toEngine = (perfMs: number): number => perfMs + (this.link.offsetMs() ?? 0);
    voice = new LaneVoice(this.system!, view.volume, view.pan, {
      started: (turn, audiblePerfMs) => {
        const audibleMs = toEngine(audiblePerfMs);
        this.note({ type: 'started', laneId, turn, perfMs: performance.now(), audibleMs });
        this.link.send({ type: 'playback.started', laneId, turnId: `${laneId}-${turn}`, audibleMs });
      },
      ended: (turn, playedMs, endedPerfMs, interrupted) => {
        const endedMs = toEngine(endedPerfMs);
        this.note({ type: 'ended', laneId, turn, perfMs: performance.now(), playedMs, endedMs, interrupted });
        this.link.send({
          type: 'playback.ended',
          laneId,
          turnId: `${laneId}-${turn}`,
          playedMs,
          endedMs,
          interrupted,
        });
      },
      underrun: () => this.note({ type: 'underrun', laneId, turn: -1, perfMs: performance.now() }),
    });
    this.voices.set(laneId, voice);
    return voice;
  }

  private note(entry: VoiceLogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_KEPT) this.log.shift();
  }
}

/** window.__dialtoneAudio: read-only diagnostics for the E2E suite and the bench. */
export interface DialtoneAudioHook {
  context(): {
    state: string;
    sampleRate: number;
    baseLatency: number;
    outputLatency: number;
    currentTime: number;
    outputTimestamp: { contextTime: number; performanceTime: number } | null;
  } | null;
  /** RMS of what the speakers get now (master bus), 0–1. */
  outputRms(): number;
  log(): VoiceLogEntry[];
  framesSent(): number;
  /** Engine clock minus page clock, ms (null before sync). */
  engineOffsetMs(): number | null;
  /** The mix tap, for a recorder. */
  tapStream(): MediaStream | null;
}

export function installAudioHook(voice: VoiceController): void {
  if ('__dialtoneAudio' in window) return;
  const buf = new Float32Array(256);
  const hook: DialtoneAudioHook = Object.freeze({
    context() {
      const ctx = voice.system?.ctx;
      if (!ctx) return null;
      const ts = ctx.getOutputTimestamp?.();
      return {
        state: ctx.state,
        sampleRate: ctx.sampleRate,
        baseLatency: ctx.baseLatency ?? 0,
        outputLatency: ctx.outputLatency ?? 0,
        currentTime: ctx.currentTime,
        outputTimestamp: ts
          ? { contextTime: ts.contextTime ?? 0, performanceTime: ts.performanceTime ?? 0 }
          : null,
      };
    },
    outputRms() {
      const analyser = voice.system?.outputAnalyser;
      if (!analyser) return 0;
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const x of buf) sum += x * x;
      return Math.sqrt(sum / buf.length);
    },
    log: () => voice.log.map((e) => ({ ...e })),
    framesSent: () => voice.framesSent,
    engineOffsetMs: () => voice.offsetMs(),
    tapStream: () => voice.system?.tap.stream ?? null,
  });
  Object.defineProperty(window, '__dialtoneAudio', { value: hook, writable: false, enumerable: false });
}
